#!/usr/bin/env python3
"""Module import cycles in each crate of the workspace, tests aside.

A module is a file (`a/b.rs` or `a/b/mod.rs` is `a::b`). An edge M -> N is a `crate::`,
`super::` or `self::` path in M (outside `#[cfg(test)]` code) that names N or an item N
defines; a name re-exported through a parent resolves to the module that defines it.
Prints each cycle found and exits 1 if there is any.
"""
import os, re, sys

DEF = re.compile(r'^\s*pub(?:\([^)]*\))?\s+(?:async\s+)?(?:struct|enum|fn|trait|type|const|static|mod|union)\s+(\w+)', re.M)
USE = re.compile(r'\buse\s+((?:crate|super|self)::[^;]+);', re.S)
INLINE = re.compile(r'\b((?:crate|super)(?:::\w+)+)')

def modules(src):
    mods = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith('.rs'):
                continue
            rel = os.path.relpath(os.path.join(root, f), src)[:-3].split(os.sep)
            if rel[-1] in ('lib', 'main'):
                rel = rel[:-1]
            elif rel[-1] == 'mod':
                rel = rel[:-1]
            if 'tests' in rel or rel[-1:] == ['tests'] or 'bin' in rel:
                continue
            mods['::'.join(rel)] = os.path.join(root, f)
    return mods

def strip_tests(text):
    text = re.sub(r'//[^\n]*', '', text)
    m = re.search(r'#\[cfg\(test\)\]\s*(?:pub(?:\(crate\))?\s+)?mod\s+\w+\s*[;{]', text)
    return text[:m.start()] if m else text

def expand(path):
    # a::{b, c::{d, e}} -> a::b, a::c::d, a::c::e
    path = re.sub(r'\s+', '', path)
    i = path.find('{')
    if i < 0:
        return [path.split(' as ')[0]]
    head, body = path[:i], path[i + 1:path.rfind('}')]
    parts, depth, cur = [], 0, ''
    for ch in body:
        if ch == ',' and depth == 0:
            parts.append(cur); cur = ''; continue
        depth += ch == '{'; depth -= ch == '}'
        cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        if p in ('', 'self'):
            out.append(head.rstrip(':')); continue
        out.extend(expand(head + p))
    return out

def resolve(segs, mods, defs):
    best = ''
    for i in range(1, len(segs) + 1):
        cand = '::'.join(segs[:i])
        if cand in mods:
            best = cand
    last = segs[-1] if segs else ''
    if last in defs and len(defs[last]) == 1:
        return next(iter(defs[last]))
    return best

def crate_cycles(src):
    mods = modules(src)
    texts = {m: strip_tests(open(p).read()) for m, p in mods.items()}
    defs = {}
    for m, t in texts.items():
        for name in DEF.findall(t):
            defs.setdefault(name, set()).add(m)
    edges = {m: set() for m in mods}
    for m, t in texts.items():
        paths = []
        for u in USE.findall(t):
            paths.extend(expand(u))
        paths.extend(INLINE.findall(t))
        for p in paths:
            segs = p.split('::')
            base = m.split('::') if m else []
            if segs[0] == 'crate':
                segs = segs[1:]
            elif segs[0] == 'self':
                segs = base + segs[1:]
            else:
                while segs and segs[0] == 'super':
                    segs = segs[1:]; base = base[:-1]
                segs = base + segs
            n = resolve(segs, mods, defs)
            if n != m and n != '':
                edges[m].add(n)
    # cycles: strongly connected components of size > 1
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def visit(v):
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1:
                comps.append(sorted(comp))
    for v in mods:
        if v not in index:
            visit(v)
    return len(mods), comps

root = sys.argv[1] if len(sys.argv) > 1 else '.'
bad = 0
for crate in sorted(os.listdir(root)) + ['.']:
    src = os.path.join(root, crate, 'src')
    if not os.path.isdir(src) or crate in ('fuzz', 'target'):
        continue
    n, comps = crate_cycles(src)
    print(f'{crate if crate != "." else "lockit (src/)"}: {n} modules, {len(comps)} cycles')
    for c in comps:
        bad += 1
        print('   cycle:', ' <-> '.join(c))
sys.exit(1 if bad else 0)
