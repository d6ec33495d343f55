#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the demo family in data/demo: people.json names each person once with
the owner first, every folder and file is there and is JSON, nothing is dated
after the demo date, and dossier-cli imports each person's files into the
records the demo promises, none of them a mere document."""
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

cli, demo_dir = sys.argv[1:3]
DEMO_DATE = '2026-11-23'
RELATIONS = {'owner', 'spouse', 'child', 'parent'}
# What the demo shows in each section, across the family and for the owner.
FAMILY_KINDS = {'diploma', 'degree', 'certificate', 'badge', 'immunization', 'observation', 'medication', 'allergy'}
OWNER_KINDS = FAMILY_KINDS | {'encounter', 'condition'}
# The demo schools' signing identities, the class lists they sign from and
# a school's own template.
SCHOOL_FOLDERS = {'issuers', 'rosters', 'templates', 'services'}
# Files signed by dossier-issuer, in the formats it writes.
SIGNED_SUFFIXES = ('.jwt', '.sd-jwt')
# Every diploma and degree of the demo is signed.
SIGNED_DIPLOMAS = 6
DATE = re.compile(r'^(\d{4})-(\d{2})(?:-(\d{2}))?(?:T|$)')

failures = []


def fail(message):
    failures.append(message)
    print('FAIL:', message)


def dates_in(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from dates_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from dates_in(value)
    elif isinstance(node, str) and DATE.match(node):
        yield node


def check_people():
    try:
        with open(os.path.join(demo_dir, 'people.json'), encoding='utf-8') as f:
            people = json.load(f)
    except (OSError, ValueError) as e:
        fail('people.json cannot be read: %s' % e)
        return []
    if not isinstance(people, list) or not people or not all(isinstance(p, dict) for p in people):
        fail('people.json is not a non-empty array of objects')
        return []
    for p in people:
        if set(p) != {'id', 'name', 'relation', 'birth_date', 'folder'}:
            fail('%r does not have exactly id, name, relation, birth_date and folder' % p)
        if not re.fullmatch(r'[a-z0-9]+(-[a-z0-9]+)*', str(p.get('id'))):
            fail('%s: id %r is not lower-case ASCII words joined by -' % (p.get('name'), p.get('id')))
        if p.get('relation') not in RELATIONS:
            fail('%s: relation %r is not one of %s' % (p.get('name'), p.get('relation'), sorted(RELATIONS)))
        try:
            born = datetime.date.fromisoformat(p.get('birth_date', ''))
            if born.isoformat() > DEMO_DATE:
                fail('%s is born after the demo date' % p.get('name'))
        except (TypeError, ValueError):
            fail('%s: birth_date %r is not YYYY-MM-DD' % (p.get('name'), p.get('birth_date')))
        if p.get('folder') != p.get('name'):
            fail('%s: the folder is not named after the person' % p.get('name'))
        if not os.path.isdir(os.path.join(demo_dir, str(p.get('folder')))):
            fail('%s: folder %r is missing' % (p.get('name'), p.get('folder')))
    owners = [p for p in people if p.get('relation') == 'owner']
    if len(owners) != 1 or people[0].get('relation') != 'owner':
        fail('people.json needs exactly one owner, listed first')
    folders = [p.get('folder') for p in people]
    if len(set(folders)) != len(folders):
        fail('two people share a folder')
    strays = {d for d in os.listdir(demo_dir) if os.path.isdir(os.path.join(demo_dir, d))} - set(folders) - SCHOOL_FOLDERS
    if strays:
        fail('folders not in people.json: %s' % sorted(strays))
    return [p for p in people if os.path.isdir(os.path.join(demo_dir, str(p.get('folder'))))]


def check_files(person):
    folder = os.path.join(demo_dir, person['folder'])
    names = sorted(os.listdir(folder))
    if not names:
        fail('%s has no records' % person['name'])
    for name in names:
        path = os.path.join(folder, name)
        if name.endswith(SIGNED_SUFFIXES):
            continue
        try:
            with open(path, encoding='utf-8') as f:
                content = json.load(f)
        except (OSError, ValueError) as e:
            fail('%s/%s is not JSON: %s' % (person['folder'], name, e))
            continue
        late = [d for d in dates_in(content) if d[:10] > DEMO_DATE]
        if late:
            fail('%s/%s has dates after the demo date: %s' % (person['folder'], name, late))
    return [os.path.join(folder, n) for n in names]


def import_records(paths, scope='learning'):
    env = dict(os.environ, DOSSIER_PASSPHRASE='demo-data-test')
    with tempfile.TemporaryDirectory() as home:
        vault = os.path.join(home, 'vault')
        anchors = [['trust', 'add', os.path.join(demo_dir, 'issuers', school, 'did.json'), '--scope', scope]
                   for school in sorted(os.listdir(os.path.join(demo_dir, 'issuers')))]
        for args in [['init']] + anchors + [['import'] + paths]:
            run = subprocess.run([cli, '--vault', vault] + args, env=env, capture_output=True, text=True)
            if run.returncode != 0:
                fail('dossier-cli %s failed: %s' % (args[0], run.stderr.strip()))
                return []
        run = subprocess.run([cli, '--vault', vault, 'list', '--json'], env=env, capture_output=True, text=True)
        if run.returncode != 0:
            fail('dossier-cli list failed: %s' % run.stderr.strip())
            return []
        return json.loads(run.stdout)


def check_import(person, paths):
    records = import_records(paths)
    kinds = {r['kind'] for r in records}
    for path in paths:
        name = os.path.basename(path)
        mine = [r for r in records if r.get('source') == 'File “%s”' % name]
        if not mine:
            fail('%s/%s made no record' % (person['folder'], name))
        for r in mine:
            if r['kind'] == 'document':
                fail('%s/%s was kept as a plain document, not read as a record' % (person['folder'], name))
            elif name.endswith(SIGNED_SUFFIXES) or r['format'] == 'vc-di':
                # Signed by a demo school the vault trusts; the schools'
                # status lists are not at hand offline.
                verdict = r['verdict']
                if (verdict['authentic']['state'] != 'passed' or verdict['trusted']['state'] != 'passed' or
                        verdict['current']['state'] == 'failed'):
                    fail('%s/%s: record “%s” (%s) is not authentic and trusted: %s'
                         % (person['folder'], name, r['title'], r['format'], r['verdict']))
            elif r['format'] not in ('fhir', 'vc-json') or r['verdict']['authentic']['code'] != 'unsigned':
                fail('%s/%s: record “%s” is %s with verdict %s, not an unsigned FHIR or credential record'
                     % (person['folder'], name, r['title'], r['format'], r['verdict']['authentic']))
            if r.get('issued') and r['issued'] > DEMO_DATE:
                fail('%s/%s: record “%s” is dated %s, after the demo date' % (person['folder'], name, r['title'], r['issued']))
    if person['relation'] == 'owner' and not OWNER_KINDS <= kinds:
        fail('the owner lacks records of kinds %s' % sorted(OWNER_KINDS - kinds))
    return kinds


def check_scope(paths):
    """The demo schools trusted for health records only vouch for none of
    their diplomas."""
    signed = [p for p in paths if p.endswith(SIGNED_SUFFIXES) or '"proof"' in open(p, encoding='utf-8').read()]
    if len(signed) != SIGNED_DIPLOMAS:
        fail('the demo has %d signed diplomas, not %d' % (len(signed), SIGNED_DIPLOMAS))
    records = import_records(signed, scope='health')
    if len(records) != len(signed):
        fail('%d signed diplomas made %d records' % (len(signed), len(records)))
    for r in records:
        if r['verdict']['authentic']['state'] != 'passed' or r['verdict']['trusted']['state'] == 'passed':
            fail('“%s” is trusted through schools trusted for health records only: %s' % (r['title'], r['verdict']))


def main():
    people = check_people()
    kinds = set()
    every_path = []
    for person in people:
        paths = check_files(person)
        every_path += paths
        if paths:
            kinds |= check_import(person, paths)
    check_scope(every_path)
    if not FAMILY_KINDS <= kinds:
        fail('the demo lacks records of kinds %s' % sorted(FAMILY_KINDS - kinds))
    if not any(p.get('relation') == 'child' for p in people):
        fail('the demo has no child')
    print('%d people, record kinds: %s' % (len(people), ', '.join(sorted(kinds))))
    print('%s' % ('ok' if not failures else '%d failures' % len(failures)))
    return 1 if failures else 0


sys.exit(main())
