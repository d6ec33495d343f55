#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs the shared test vectors through `dossier-cli verify --json` and
compares every verdict with its manifest.

A valid case passes when the verdict is "valid" (exit 0); an invalid one when
the verdict is "invalid" or "unverified" (exit 1) and, where the manifest
names a stage, the first failing check has that name.  Cases listed in
known-failures.txt are reported apart; one of them passing is a failure, so
that the list stays true, and so is one that no longer gives the outcome the
list's optional third column names (such as `unverified` or
`invalid/key`).  Prints a tally per set, then `N passed, M failed`.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

parser = argparse.ArgumentParser()
parser.add_argument('--cli', required=True)
parser.add_argument('--vectors', required=True)
parser.add_argument('--set', action='append', dest='sets')
parser.add_argument('--known', default=os.path.join(os.path.dirname(__file__), 'known-failures.txt'))
parser.add_argument('--jobs', type=int, default=2)
args = parser.parse_args()

known = {}
with open(args.known, encoding='utf-8') as f:
    for line in f:
        if line.strip() and not line.startswith('#'):
            case, _, rest = line.rstrip('\n').partition('\t')
            why, _, outcome = rest.partition('\t')
            known[case] = (why, outcome or None)

cases = []
for name in args.sets or sorted(os.listdir(args.vectors)):
    manifest = os.path.join(args.vectors, name, 'manifest.jsonl')
    if not os.path.exists(manifest):
        print(f'no manifest for set {name}', file=sys.stderr)
        sys.exit(2)
    with open(manifest, encoding='utf-8') as f:
        cases += [json.loads(line) for line in f if line.strip()]
if not cases:
    print('no case selected', file=sys.stderr)
    sys.exit(2)


def run(case):
    folder = os.path.join(args.vectors, case['set'])
    # the manifests give every key and status list a case needs: no network
    command = [args.cli, 'verify', '--json', '--offline']
    if case['trust']:
        command += ['--trust', os.path.join(folder, case['trust'])]
    command += ['--at', case['at']] if case['at'] else ['--no-time-check']
    command.append(os.path.join(folder, case['input']))
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, LANGUAGE='C'))
    except subprocess.TimeoutExpired:
        return False, 'timed out', None
    try:
        result = json.loads(done.stdout.splitlines()[0])
    except (IndexError, ValueError):
        return False, f'no JSON (exit {done.returncode}): {done.stderr.strip()[:200]}', None
    verdict = result.get('verdict')
    failed = next((c for c in result.get('checks', []) if not c.get('ok')), None)
    got = verdict + (f'/{failed["name"]}' if failed else '')
    why = (result.get('error') or {}).get('message') or (failed or {}).get('detail') or ''
    if case['expect'] == 'valid':
        ok = verdict == 'valid' and done.returncode == 0
    else:
        ok = verdict in ('invalid', 'unverified') and done.returncode == 1 and \
            (case['stage'] is None or (failed is not None and failed['name'] == case['stage']))
    want = case['expect'] + (f'/{case["stage"]}' if case['stage'] else '')
    return ok, f'expected {want}, got {got} (exit {done.returncode}): {why[:200]}', got


with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
    outcomes = list(pool.map(run, cases))

tally = {}
passed = failed = 0
for case, (ok, detail, got) in zip(cases, outcomes):
    counts = tally.setdefault(case['set'], [0, 0, 0])
    if case['id'] in known:
        why, outcome = known[case['id']]
        if ok:
            print(f'FAIL {case["id"]}: passes now; remove it from known-failures.txt')
            failed += 1
        elif outcome is not None and got != outcome:
            print(f'FAIL {case["id"]}: known failure expected to give {outcome}; {detail}')
            failed += 1
        else:
            print(f'known {case["id"]}: {why}')
            counts[2] += 1
        continue
    if ok:
        passed += 1
        counts[0] += 1
    else:
        failed += 1
        counts[1] += 1
        print(f'FAIL {case["id"]}: {detail}')
for name, (good, bad, waived) in sorted(tally.items()):
    print(f'{name}: {good}/{good + bad + waived} passed' + (f', {waived} known failures' if waived else ''))
print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
