#!/usr/bin/python3
"""jsonl_check.py -- check JSON Lines output against docs/json.md.

    jsonl_check.py SCHEMA FILE [--absent TEXT]... [--want TYPE[:KEY=JSON]]...

Every line of FILE must parse as one JSON object (json.loads) with "v" 1
and a string "type"; the first must be "start" and the last "end".  Each
object's type must have a section in SCHEMA (docs/json.md, "### `type`"
headings, several types in one heading allowed), every field it has must
be in that section's table (or the "Every object" table) with the JSON
type the table gives, and every field the table marks "yes" must be
there.  --absent TEXT: TEXT appears nowhere in FILE, not even in base64
(a secret).  --want TYPE: at least one object of TYPE; TYPE:KEY=JSON: one
whose KEY equals the JSON value (KEY may be "a.b" for a nested field).
Prints the types seen and their counts; exit 1 on the first problem,
saying which line.
"""

import base64
import json
import re
import sys

HEADING = re.compile(r"^#{2,4} (.*)$")
ROW = re.compile(r"^\| `([a-z_]+)` \| ([a-z ]+) \| (yes|no) \|")
TYPES = {
    "string": str, "number": (int, float), "boolean": bool,
    "array": list, "object": dict,
}


def schema(path):
    """{type: {field: (python types, allows null, always)}}, with the
    fields of every object under the key None."""
    out = {}
    current = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = HEADING.match(line.rstrip("\n"))
            if m:
                title = m.group(1)
                if title == "Every object":
                    current = [None]
                else:
                    current = re.findall(r"`([a-z_]+)`", title)
                    if not line.startswith("### ") or \
                            "object" in title.lower():
                        current = []
                for t in current:
                    out.setdefault(t, {})
                continue
            m = ROW.match(line)
            if not m or not current:
                continue
            kind = m.group(2).strip()
            null = kind.endswith(" or null")
            base = kind[:-len(" or null")] if null else kind
            if base not in TYPES:
                raise SystemExit("%s: unknown JSON type %r" % (path, kind))
            for t in current:
                out[t][m.group(1)] = (TYPES[base], null, m.group(3) == "yes")
    if None not in out:
        raise SystemExit("%s: no \"Every object\" table" % path)
    return out


def lookup(obj, key):
    for part in key.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return KeyError
        obj = obj[part]
    return obj


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    types = schema(argv[0])
    path = argv[1]
    absent, wants = [], []
    i = 2
    while i < len(argv):
        if argv[i] == "--absent":
            absent.append(argv[i + 1])
        elif argv[i] == "--want":
            wants.append(argv[i + 1])
        else:
            raise SystemExit("unknown argument %r" % argv[i])
        i += 2
    with open(path, "rb") as f:
        raw = f.read()
    for text in absent:
        for form in (text, base64.b64encode(text.encode()).decode()):
            if form.encode() in raw:
                print("%s: holds %r" % (path, form))
                return 1
    objs = []
    for n, line in enumerate(raw.decode("utf-8").split("\n"), 1):
        if line == "" and n > 1:
            continue
        try:
            o = json.loads(line)
        except ValueError as e:
            print("%s:%d: not JSON (%s): %r" % (path, n, e, line[:200]))
            return 1
        if not isinstance(o, dict) or o.get("v") != 1 or \
                not isinstance(o.get("type"), str):
            print("%s:%d: not an object with v 1 and a type" % (path, n))
            return 1
        fields = dict(types[None])
        if o["type"] not in types:
            print("%s:%d: type %r is not in the schema" % (path, n, o["type"]))
            return 1
        fields.update(types[o["type"]])
        for k, val in o.items():
            if k not in fields:
                print("%s:%d: %s has field %r the schema does not name"
                      % (path, n, o["type"], k))
                return 1
            want, null, _ = fields[k]
            if val is None and null:
                continue
            if not isinstance(val, want) or (want != bool and
                                             isinstance(val, bool)):
                print("%s:%d: %s.%s is %r, not of the schema's type"
                      % (path, n, o["type"], k, val))
                return 1
        for k, (_, _, always) in fields.items():
            if always and k not in o:
                print("%s:%d: %s lacks %r" % (path, n, o["type"], k))
                return 1
        objs.append(o)
    if not objs or objs[0]["type"] != "start" or objs[-1]["type"] != "end":
        print("%s: does not run from start to end" % path)
        return 1
    for w in wants:
        t, _, cond = w.partition(":")
        key, _, value = cond.partition("=")
        ok = False
        for o in objs:
            if o["type"] != t:
                continue
            if not cond or lookup(o, key) == json.loads(value):
                ok = True
                break
        if not ok:
            print("%s: no %s object%s" % (path, t, " with " + cond
                                          if cond else ""))
            return 1
    seen = {}
    for o in objs:
        seen[o["type"]] = seen.get(o["type"], 0) + 1
    print(" ".join("%s=%d" % kv for kv in sorted(seen.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
