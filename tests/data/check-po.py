#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the Vietnamese catalogue is complete: every file with
translatable strings is listed in po/POTFILES.in, and every string that
xgettext finds in them has a Vietnamese translation that is not fuzzy and
that msgfmt --check accepts.  Prints `N passed, N failed`."""
import os
import re
import subprocess
import sys
import tempfile

top = sys.argv[1]
passed = failed = 0


def check(ok, what):
    global passed, failed
    print(('ok ' if ok else 'FAIL ') + what)
    if ok:
        passed += 1
    else:
        failed += 1


with open(os.path.join(top, 'po', 'POTFILES.in'), encoding='utf-8') as f:
    listed = {line.strip() for line in f if line.strip() and not line.startswith('#')}

marker = re.compile(r'\b(?:N?_|C_|NC_|g_dngettext|ngettext)\s*\(|translatable="yes"')
unlisted = []
for folder in ('app', 'resources', 'data'):
    for root, _, files in os.walk(os.path.join(top, folder)):
        for name in files:
            if not name.endswith(('.c', '.ui', '.in', '.xml')) or 'demo' in root:
                continue
            path = os.path.relpath(os.path.join(root, name), top)
            with open(os.path.join(top, path), encoding='utf-8') as f:
                if marker.search(f.read()) and path not in listed:
                    unlisted.append(path)
check(not unlisted, 'every file with translatable strings is in POTFILES.in: missing %s' % unlisted)
missing_files = [p for p in listed if not os.path.exists(os.path.join(top, p))]
check(not missing_files, 'every file in POTFILES.in exists: missing %s' % missing_files)

with tempfile.TemporaryDirectory() as work:
    pot = os.path.join(work, 'dossier.pot')
    sources = [p for p in sorted(listed) if os.path.exists(os.path.join(top, p))]
    subprocess.run(['xgettext', '--from-code=UTF-8', '--add-comments', '--keyword=_', '--keyword=N_',
                    '--keyword=C_:1c,2', '--keyword=NC_:1c,2', '--keyword=g_dngettext:2,3', '--keyword=ngettext:1,2',
                    '--sort-output', '-o', pot, *sources],
                   cwd=top, check=True, capture_output=True)
    merged = os.path.join(work, 'vi.po')
    subprocess.run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged,
                    os.path.join(top, 'po', 'vi.po'), pot], check=True)
    stats = subprocess.run(['msgfmt', '--check', '--statistics', '-o', os.devnull, merged],
                           capture_output=True, text=True)
    check(stats.returncode == 0, 'msgfmt --check accepts the catalogue: ' + stats.stderr.strip())
    complete = 'fuzzy' not in stats.stderr and 'untranslated' not in stats.stderr
    if not complete:
        untranslated = subprocess.run(['msgattrib', '--untranslated', '--no-obsolete', merged],
                                      capture_output=True, text=True).stdout
        ids = re.findall(r'^msgid "(.+)"$', untranslated, re.M)[:10]
        print('  not translated:', ids)
    check(complete, 'every string has a Vietnamese translation: ' + stats.stderr.strip())

print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
