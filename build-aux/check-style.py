#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the written rules of STYLE.md that a machine can check: the licence
line, #pragma once, two-space indentation without tabs, no trailing blanks, a
space before the parenthesis of a call, and the return type of a function
definition on its own line.  Prints each offence; exits 1 if there is any."""
import re
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else '.')
files = sorted(p for d in ('app', 'tests') for p in (root / d).rglob('*') if p.suffix in ('.c', '.h'))
no_space_ok = {'_', 'N_', 'C_', 'NC_', 'Q_', 'g_autoptr', 'g_auto', 'g_autofree', 'G_N_ELEMENTS'}
call = re.compile(r'\b([A-Za-z_][A-Za-z0-9_]*)\(')
definition = re.compile(r'^[A-Za-z_][A-Za-z0-9_ \*]*\s\**[a-z_][a-z0-9_]*\s*\([^;]*$')
offences = []


def strip_strings(line):
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])*'", "''", line)
    return re.sub(r'/\*.*?\*/|//.*$', '', line)


for path in files:
    rel = path.relative_to(root)
    lines = path.read_text(encoding='utf-8').split('\n')
    if not lines[0].startswith('// SPDX-License-Identifier: GPL-3.0-or-later') and \
       not (lines[0].startswith('/*') and 'SPDX' in ''.join(lines[:3])):
        offences.append(f'{rel}:1: the first line is not the SPDX licence line')
    if path.suffix == '.h' and '#pragma once' not in lines[:6] and not any(l == '#pragma once' for l in lines[:8]):
        offences.append(f'{rel}: header without #pragma once')
    in_comment = False
    depth = 0   # open parentheses before this line: a continuation line
    open_statement = False  # the previous line did not end a statement
    for n, line in enumerate(lines, 1):
        if '\t' in line:
            offences.append(f'{rel}:{n}: tab character')
        if line.rstrip() != line:
            offences.append(f'{rel}:{n}: trailing blanks')
        stripped = line.strip()
        if stripped.startswith('/*'):
            in_comment = '*/' not in stripped
            continue
        if in_comment:
            in_comment = '*/' not in stripped
            continue
        if stripped.startswith('#') or line.endswith('\\'):
            continue
        indent = len(line) - len(line.lstrip(' '))
        code = strip_strings(line)
        # continuation lines align with what they continue, at any column
        if stripped and indent % 2 and depth == 0 and not open_statement and not stripped.startswith('*'):
            offences.append(f'{rel}:{n}: odd indentation')
        depth = max(0, depth + code.count('(') - code.count(')'))
        if code.strip():
            open_statement = not code.rstrip().endswith((';', '{', '}', ':', ','))
        for m in call.finditer(code):
            if m.group(1) not in no_space_ok:
                offences.append(f'{rel}:{n}: no space before the parenthesis of {m.group(1)}')
        if definition.match(code) and not code.startswith(('static', 'typedef', 'G_', 'return', 'else')) \
           and path.suffix == '.c' and n < len(lines) and lines[n].startswith('{'):
            offences.append(f'{rel}:{n}: the return type goes on the line before the function name')

for o in offences:
    print(o)
print(f'{len(files) - len({o.split(":")[0] for o in offences})} passed, '
      f'{len({o.split(":")[0] for o in offences})} failed')
sys.exit(1 if offences else 0)
