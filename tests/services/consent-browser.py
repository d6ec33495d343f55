#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stands in for the web browser at a sign-in: loads the consent page given
as the last argument, fills its one form (the person in the environment's
DOSSIER_TEST_PERSON, the decision in DOSSIER_TEST_DECISION, "allow" unless
said) and posts it, then follows the redirection to Dossier's loopback
callback.  Plain HTTP only; nothing but the standard library."""

import html.parser
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class FormReader(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []
        self.fields = {}
        self.persons = []
        self.in_select = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("method", "get").lower(), attrs.get("action", "")))
        elif tag == "input" and attrs.get("type", "text") == "hidden" and "name" in attrs:
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "select" and attrs.get("name") == "person":
            self.in_select = True
        elif tag == "option" and self.in_select:
            self.persons.append(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "select":
            self.in_select = False


def main():
    url = sys.argv[-1]
    with urllib.request.urlopen(url, timeout=30) as answer:
        page = answer.read().decode("utf-8")
    reader = FormReader()
    reader.feed(page)
    if len(reader.forms) != 1 or reader.forms[0][0] != "post":
        sys.exit("consent-browser: the page does not hold exactly one form posted")
    fields = dict(reader.fields)
    fields["person"] = os.environ.get("DOSSIER_TEST_PERSON") or reader.persons[0]
    fields["decision"] = os.environ.get("DOSSIER_TEST_DECISION", "allow")
    action = urllib.parse.urljoin(url, reader.forms[0][1])
    body = urllib.parse.urlencode(fields).encode("ascii")
    # the 302 goes on to Dossier's callback, which urllib follows with a GET
    try:
        with urllib.request.urlopen(action, data=body, timeout=30) as answer:
            answer.read()
    except urllib.error.HTTPError as error:
        sys.exit(f"consent-browser: the callback answered {error.code}")


if __name__ == "__main__":
    main()
