#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check docs/netlink/swmmu.yaml against uapi/linux/swmmu_netlink.h: every command, event type
and attribute of each attribute set, by name and value, in both directions. Prints what differs
and exits 1, or exits 0 silently.

    scripts/nlspec-check.py [SPEC [HEADER]]
"""
import re
import sys

import yaml


def c_enums(text):
    """{enum name: [(ENTRY, value)]} of the named enums of a C header (no expressions)."""
    out = {}
    for m in re.finditer(r'enum\s+(\w+)\s*\{(.*?)\};', text, re.S):
        body = re.sub(r'/\*.*?\*/', '', m.group(2), flags=re.S)
        val, entries = -1, []
        for item in body.split(','):
            item = item.strip()
            if not item:
                continue
            name, _, expr = item.partition('=')
            name, expr = name.strip(), expr.strip()
            if expr:
                # A number, or NAME [- 1] of an earlier entry (the X_MAX = __X_MAX - 1 idiom).
                e = re.fullmatch(r'(\w+)\s*(?:-\s*(\d+))?', expr)
                try:
                    val = int(expr, 0)
                except ValueError:
                    val = dict(entries)[e.group(1)] - int(e.group(2) or 0)
            else:
                val += 1
            entries.append((name, val))
        out[m.group(1)] = entries
    return out


def spec_entries(prefix, names, start=0):
    """[(C NAME, value)] for YAML entries (strings or dicts with name/value)."""
    val, out = start - 1, []
    for e in names:
        if isinstance(e, dict):
            name = e['name']
            val = e.get('value', val + 1)
        else:
            name, val = e, val + 1
        out.append(((prefix + str(name)).upper().replace('-', '_'), val))
    return out


def compare(what, spec, header, errors):
    # The header's __X_MAX and X_MAX bookkeeping entries are not in the spec.
    header = [(n, v) for n, v in header if not n.startswith('__') and not n.endswith('_MAX')]
    s, h = dict(spec), dict(header)
    for n, v in spec:
        if n not in h:
            errors.append(f'{what}: {n} is in the spec, not in the header')
        elif h[n] != v:
            errors.append(f'{what}: {n} is {v} in the spec, {h[n]} in the header')
    for n, v in header:
        if n not in s:
            errors.append(f'{what}: {n} (= {v}) is in the header, not in the spec')


def main():
    spec_path = sys.argv[1] if len(sys.argv) > 1 else 'docs/netlink/swmmu.yaml'
    hdr_path = sys.argv[2] if len(sys.argv) > 2 else 'uapi/linux/swmmu_netlink.h'
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    with open(hdr_path) as f:
        enums = c_enums(f.read())
    errors = []

    ops = spec['operations']
    compare('operations', spec_entries(ops['name-prefix'], ops['list']),
            enums['swmmu_nl_cmd'], errors)
    defs = {d['name']: d for d in spec['definitions']}
    compare('event types', spec_entries('swmmu-event-', defs['event']['entries']),
            enums['swmmu_nl_event'], errors)
    sets = {
        'swmmu': 'swmmu_nl_attr', 'stats': 'swmmu_nl_stats_attr',
        'ctx-stats': 'swmmu_nl_ctx_stats_attr', 'level': 'swmmu_nl_level_attr',
        'frec': 'swmmu_nl_frec_attr',
    }
    seen = set()
    for aset in spec['attribute-sets']:
        name = aset['name']
        seen.add(name)
        if name not in sets:
            errors.append(f'attribute set {name}: no C enum known for it (add it to {sys.argv[0]})')
            continue
        compare(f'attribute set {name}', spec_entries(aset['name-prefix'], aset['attributes']),
                enums[sets[name]], errors)
    for name in sets:
        if name not in seen:
            errors.append(f'attribute set {name} ({sets[name]}) is missing from the spec')
    # Every attribute an operation or event names exists in its set.
    attrs = {a['name']: {x['name'] for x in a['attributes']} for a in spec['attribute-sets']}
    for op in ops['list']:
        for kind in ('do', 'dump', 'event'):
            part = op.get(kind)
            if not part:
                continue
            for sub in ('request', 'reply') if kind != 'event' else (None,):
                msg = part.get(sub) if sub else part
                for a in (msg or {}).get('attributes', []):
                    if a not in attrs[op['attribute-set']]:
                        errors.append(f'operation {op["name"]} {kind}: no attribute {a}')
    for e in errors:
        print(f'{spec_path}: {e}')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
