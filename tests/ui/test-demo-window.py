#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Starts `dossier --demo` on a display, keeps a screenshot, and checks that the
demo vault it created holds the demo records (read back through dossier-cli)."""
import json
import os
import subprocess
import sys
import tempfile
import time

dossier, cli, demo_dir, shot = sys.argv[1:5]
expected = sorted(f for f in os.listdir(demo_dir) if not f.endswith('.md'))

with tempfile.TemporaryDirectory() as home:
    env = dict(os.environ, XDG_DATA_HOME=home, LANGUAGE='C')
    vault = os.path.join(home, 'dossier-demo')
    app = subprocess.Popen([dossier, '--demo'], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    # The window imports the demo records, then releases nothing until it
    # quits: wait until the database holds them by watching the audit in the
    # file size settle, then look at the screen.
    while time.time() < deadline and not os.path.exists(os.path.join(vault, 'vault.json')):
        time.sleep(0.2)
    time.sleep(4)
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
    out = subprocess.run([cli, '--vault', vault, 'list', '--json'], env=dict(env, DOSSIER_PASSPHRASE='dossier-demo'),
                         capture_output=True, text=True)
    if out.returncode != 0:
        print('the demo vault does not open with the demo passphrase:', out.stderr)
        failures += 1
    else:
        titles = sorted(r['title'] for r in json.loads(out.stdout))
        wanted = sorted(os.path.splitext(f)[0] for f in expected)
        if titles != wanted:
            print('demo records:', titles, 'expected:', wanted)
            failures += 1
    if not os.path.exists(shot) or os.path.getsize(shot) < 5000:
        print('no screenshot of the window was taken')
        failures += 1
    print('%d passed, %d failed' % (3 - failures, failures))
    sys.exit(1 if failures else 0)
