#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Starts `dossier --demo` on a display, keeps a screenshot, and checks that the
demo vault it created holds the demo family's records, every file of each person's
folder filed under that person (read back through dossier-cli)."""
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

dossier, cli, demo_dir, shot = sys.argv[1:5]
with open(os.path.join(demo_dir, 'people.json'), encoding='utf-8') as f:
    people = json.load(f)
expected = collections.Counter(name for p in people for name in os.listdir(os.path.join(demo_dir, p['folder'])))


def imported(records):
    """The files the records came from, once per person and file."""
    return collections.Counter(source[len('File “'):-1] for _, source in
                               {(r['person_id'], r['source']) for r in records if r.get('source')})


def list_records(env):
    out = subprocess.run([cli, '--vault', vault, 'list', '--json'], env=dict(env, DOSSIER_PASSPHRASE='dossier-demo'),
                         capture_output=True, text=True)
    return json.loads(out.stdout) if out.returncode == 0 else None

with tempfile.TemporaryDirectory() as home:
    env = dict(os.environ, XDG_DATA_HOME=home, LANGUAGE='C')
    vault = os.path.join(home, 'dossier-demo')
    app = subprocess.Popen([dossier, '--demo'], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    # The window creates the vault, then imports the family's files one by
    # one; it keeps the vault locked, so wait until the database files stop
    # growing for a few seconds, then look at the screen.
    while time.time() < deadline and not os.path.exists(os.path.join(vault, 'vault.json')):
        time.sleep(0.2)
    sizes, still = None, 0
    while time.time() < deadline and app.poll() is None and still < 6:
        time.sleep(0.5)
        now = sorted((f, os.path.getsize(os.path.join(vault, f))) for f in os.listdir(vault))
        still = still + 1 if now == sizes else 0
        sizes = now
    if app.poll() is not None:
        print('dossier exited early:', app.stderr.read())
        print('0 passed, 1 failed')
        sys.exit(1)
    subprocess.run(['import', '-window', 'root', shot], check=False)
    app.terminate()
    _, err = app.communicate(timeout=20)

    failures = 0
    if 'CRITICAL' in err or 'WARNING' in err:
        print('dossier printed warnings:\n' + err)
        failures += 1
    records = list_records(env)
    if records is None:
        print('the demo vault does not open with the demo passphrase')
        failures += 1
    elif imported(records) != expected or len({r['person_id'] for r in records}) != len(people):
        print('demo files imported:', sorted(imported(records).elements()), 'expected:', sorted(expected.elements()),
              'people:', len({r['person_id'] for r in records}), 'expected:', len(people))
        failures += 1
    if not os.path.exists(shot) or os.path.getsize(shot) < 5000:
        print('no screenshot of the window was taken')
        failures += 1
    print('%d passed, %d failed' % (3 - failures, failures))
    sys.exit(1 if failures else 0)
