#!/usr/bin/env python3
"""Mutation fuzzing of scenario files against the built `urbanwatt` binary.

Each mutant is one library scenario with one deterministic mutation (a value replaced by an
extreme, a name by a hostile one, a unit swapped, YAML structure broken, aliases nested, the
encoding changed). The harness runs `validate` on it and, when it is valid, a one-day `run`, and
asserts the product's promise for bad input:

- no crash: the exit code is 0, 64, 65 or 66, never a signal (a trap is 132/133/134/139);
- no hang: every call ends within its time limit;
- located: every error line reads `FILE:LINE:COLUMN: error: …` with a line inside the file;
- truthful: a valid mutant's run exits 0 and writes a summary.json whose totals are finite;
- described: with --schema, every mutant `validate` accepts is valid under the committed JSON Schema.

Usage: fuzz_scenarios.py --bin .build/release/urbanwatt [--count 1000] [--seed 1] [--seconds 110]
Prints the outcome classes and a closing line `N passed, M failed`; exits 1 on any failure.
"""
import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
LIBRARY = os.path.join(ROOT, "Scenarios")

# Values that have broken parsers and arithmetic before: huge, tiny, negative, non-finite,
# past integer limits, fractional counts, wrong units, empty and structured values.
EXTREMES = [
    "0", "-1", "1e30", "-1e30", "1e308", "1e-20", "4294967296", "9223372036854775807",
    "9223372036854775808", "18446744073709551616", "1.800", "0.5", "nan", ".nan", ".inf", "-.inf",
    "inf", "1e21 W", "1e-20 s", "1e300 years", "200years", "5 µW", "5 kWh", "3 GB", "50%", "150%",
    "-50%", "1e30 %", "0 s", "1 ms", "\"\"", "[]", "{}", "~", "null", "true", "0x10", "0o17",
    "1_000_000_000_000", "{uniform: [1, 1e30]}", "{normal: [1, 1e300]}", "{normal: [0, -1]}",
    "{triangular: [3, 2, 1]}", "{uniform: [nan, 1]}", "12:30", "2025-02-30", "9999-01-01",
    # At the edge of the valid ranges: accepted, and must run.
    "10000000", "1000000000 W", "96", "1 s", "1 MB", "65535", "{normal: [1.1, 0.5]}",
    # Choices: valid for a charger's `sessions.model`, wrong type anywhere else.
    "expected", "drawn",
]

HOSTILE_NAMES = [
    'gw","energy_j":1e30,"seq":0,"x":"', 'a|b', 'a,b', 'a"b', "a\\u0001b", "a\\tb", "a/b", "a+b",
    "a#b", "", "x" * 300, "é", "a b", "a\\nb", "-", ".", "..", "a=b", "a;b", "a'b",
]

# `extends` targets: files that are not scenarios (never quoted back), devices, the mutant itself
# (a cycle), built-ins, paths that climb out, names past the limits.
EXTENDS = ["/etc/passwd", "/etc/shadow", "/dev/zero", "/dev/null", "/proc/self/environ", "mittelstadt", "deutschland",
           "nonexistent", "{self}", "../" * 20 + "etc/shadow", "x" * 300, "/", ".", "mittelstadt.yaml", "[a, b]", "{a: 1}", "~"]
REMOVES = ["[lights]", "[parking, parking]", "[nonexistent]", "5", "[]", "lights", "[\"\"]", "{a: 1}", "[" + ", ".join(["f"] * 50) + "]"]
# Link intensities that extrapolate: tiny and huge halvings, years at the limits.
LINKS = ["{value: 0.06 kWh/GB, year: %s, halving: %s}" % (y, h)
         for y in ["1900", "2025", "2200", "2026"] for h in ["1e-300 years", "1 year", "1000 years", "0 years", "0.01 years"]]
DISTRIBUTIONS = ["{normal: [1, 1e9]}", "{uniform: [0, 0]}", "{triangular: [0, 0, 0]}", "{normal: [1.1, 0.2]}", "{uniform: [1, 1e30]}",
                 "{normal: [5 W, 5 W]}", "{triangular: [1 W, 2 W, 1e9 W]}", "{uniform: [1 W, 2 W]}"]

UNITS = ["W", "kW", "J", "kWh", "s", "min", "B", "GB", "%", "g/kWh", "mA", "V", "Hz", "bogus", "W/s"]

KEY_VALUE = re.compile(r"^(\s*-?\s*)([A-Za-z_]+):(\s+)([^#{}\[\]\n][^#\n]*?)(\s*(#.*)?)$")
FLOW_PAIR = re.compile(r"([A-Za-z_]+): ([^,{}\[\]#\n]+)")


def library():
    files = sorted(f for f in os.listdir(LIBRARY) if f.endswith(".yaml"))
    return {f: open(os.path.join(LIBRARY, f), encoding="utf-8").read() for f in files}


def value_sites(text):
    """(start, end) of every scalar value written as `key: value`, block or flow style."""
    sites = []
    offset = 0
    for line in text.splitlines(keepends=True):
        m = KEY_VALUE.match(line.rstrip("\n"))
        if m:
            sites.append((offset + m.start(4), offset + m.end(4), m.group(2)))
        for fm in FLOW_PAIR.finditer(line):
            if "{" in line or "[" in line:
                sites.append((offset + fm.start(2), offset + fm.end(2), fm.group(1)))
        offset += len(line)
    return sites


def mutate(text, rng):
    """One mutation of `text`; returns (class, mutant bytes)."""
    kind = rng.choice(["extreme", "extreme", "extreme", "name", "unit", "structure", "alias",
                       "encoding", "truncate", "duplicate-key", "composition", "composition"])
    sites = value_sites(text)
    if kind == "composition":
        op = rng.choice(["extends", "remove", "link", "distribution", "boundary", "rebound", "effect", "embodied", "replaced", "grid", "network", "compute", "sources", "presence"])
        lines = text.splitlines(keepends=True)
        top = next((i for i, l in enumerate(lines) if l.startswith("name:")), 0)
        if op == "extends":
            lines = [l for l in lines if not l.startswith("extends:")]
            lines.insert(top + 1, "extends: %s\n" % rng.choice(EXTENDS))
        elif op == "remove":
            lines = [l for l in lines if not l.startswith("remove:")]
            lines.insert(top + 1, "remove: %s\n" % rng.choice(REMOVES))
        elif op == "boundary":
            # Left out of the ICT overhead: a fleet, a kind, a name that is neither, an empty or odd reason.
            names = re.findall(r"name: ([A-Za-z0-9_.-]+)", text)[1:] or ["x"]
            name = rng.choice(names + ["streetlight", "ev-charger", "gatways", "", "\"a b\""])
            reason = rng.choice(["booked by the operator", '""', "~", "[1, 2]", "{a: 1}", "1e309"])
            lines = [l for l in lines if not l.startswith("boundary:")]
            lines.insert(top + 1, "boundary: {exclude: {%s: %s}}\n" % (name or '""', reason))
        elif op == "sources":
            # Citations as data: a figure the scenario gives or not, a value that cites or not, odd shapes.
            names = re.findall(r"name: ([A-Za-z0-9_.-]+)", text)[1:] or ["x"]
            path = rng.choice(["grid.carbon_intensity", "grid.price", "grid.nothing", "fleets[%s].power" % rng.choice(names),
                               "fleets[%s].count" % rng.choice(names), "fleets[nosuch].power", "", "fleets[].x", "\"a: b\""])
            value = rng.choice(['"[UBA2026]"', '"(U)"', '"[a] [B-2] (U)"', '"none"', '""', "~", "[1, 2]", "{a: 1}", "1e309", '"[x]"'])
            body = rng.choice(["{%s: %s}" % (path or '""', value), "[1]", "x", "{}", "{%s: %s, %s: %s}" % (path or '""', value, path or '""', value)])
            lines = [l for l in lines if not l.startswith("sources:")]
            lines.append("sources: %s\n" % body)
        elif op == "rebound":
            # A share of a measure's savings taken back: valid, out of range, malformed, on a fleet that is no measure.
            block = [i for i, l in enumerate(lines) if re.match(r"^\s+(replaces|power|count):", l)]
            if block:
                i = rng.choice(block)
                indent = re.match(r"^(\s+)", lines[i]).group(1)
                value = rng.choice(["20%", "{uniform: [0%, 50%]}", "150%", "-5%", "x", "1e309", "{normal: [10%, 50%]}"])
                lines.insert(i + 1, "%srebound: %s\n" % (indent, value))
        elif op == "embodied":
            # A node's life cycle: valid, split, a distribution, out of range, the wrong unit, a bad `installed`.
            block = [i for i, l in enumerate(lines) if re.match(r"^\s+(power|count|kind):", l)]
            if block:
                i = rng.choice(block)
                indent = re.match(r"^(\s+)", lines[i]).group(1)
                value = rng.choice(["{co2e: 2 kg, lifetime: 8 years, mass: 0.1 kg}", "{manufacturing: 3 kg, transport: 1 kg, end_of_life: 0.5 kg, lifetime: 4 years}",
                                    "{co2e: {uniform: [1 kg, 3 kg]}, lifetime: {triangular: [5 years, 8 years, 12 years]}}", "{co2e: 2 kg, lifetime: 1 h}",
                                    "{co2e: 2 W, lifetime: 8 years}", "{co2e: 1e309 kg, lifetime: 8 years}", "{co2e: 2 kg, lifetime: 101 years}",
                                    "{co2e: 2 kg}", "{}", "[1]", "{co2e: 2 kg, co2e: 3 kg, lifetime: 8 years}"])
                lines.insert(i + 1, "%sembodied: %s\n" % (indent, value))
                if rng.random() < 0.5:
                    lines.insert(i + 1, "%sinstalled: %s\n" % (indent, rng.choice(["new", "existing", "old", "~", "[new]"])))
                if rng.random() < 0.3:
                    lines.insert(i + 1, "%scapex: %s\n" % (indent, rng.choice(["400 EUR", "400", "400 USD", "-1", "1e309", "[1]", "x"])))
                if rng.random() < 0.3:
                    lines.insert(i + 1, "%sfunctional_unit: %s\n" % (indent, rng.choice(["{name: light-point-hour, per: node-hour}",
                        "{name: msg, per: message}", "{name: x, per: lamp}", "{name: \"\", per: message}", "{per: message}", "x"])))
        elif op == "grid":
            # The grid hour by hour and its views: valid, a month missing, a short day, views without an intensity.
            day = "[" + ", ".join(str(300 + 10 * (h % 5)) for h in range(24)) + "]"
            months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            table = "{" + ", ".join("%s: %s" % (m, day) for m in months) + "}"
            value = rng.choice(["{carbon_intensity: {path: {2025: 363 g/kWh, 2040: 80 g/kWh}, by_month: %s}}" % table,
                                "{carbon_intensity: {by_month: %s}, marginal: 600 g/kWh}" % table,
                                "{carbon_intensity: {path: 300 g/kWh, by_month: {jan: %s}}}" % day,
                                "{carbon_intensity: {path: 300 g/kWh, by_month: {jan: [1, 2]}}}",
                                "{carbon_intensity: 380 g/kWh, upstream: 12%, bisko: true}", "{carbon_intensity: 380 g/kWh, bisko: true}",
                                "{carbon_intensity: 380 g/kWh, upstream: 300%}", "{price: 0.30 EUR/kWh, marginal: 600 g/kWh}",
                                "{carbon_intensity: 380 g/kWh, supply: {green_share: {2025: 20%, 2030: 60%}, green: 20 g/kWh, residual: 600 g/kWh}}",
                                "{carbon_intensity: 380 g/kWh, supply: {green_share: 120%}}", "{carbon_intensity: 380 g/kWh, supply: {green: 5 g/kWh}}",
                                "{price: {path: 0.30 EUR/kWh, by_month: %s}}" % table.replace("30", "0.3"), "{carbon_intensity: {path: x, by_month: %s}}" % table])
            # Drop the grid and its indented block, then give the new one.
            kept, inside = [], False
            for l in lines:
                inside = l.startswith("grid:") or (inside and l.startswith(" "))
                if not inside:
                    kept.append(l)
            lines = kept
            lines.insert(top + 1, "grid: %s\n" % value)
        elif op == "network":
            # An access network by its power model, with one route through it: valid, a bad access, bad figures, a count.
            vias = [i for i, l in enumerate(lines) if re.match(r"^\s+via: ", l)]
            fleets = next((i for i, l in enumerate(lines) if l.startswith("fleets:")), None)
            if vias and fleets is not None:
                i = rng.choice(vias)
                target = lines[i].split("via:", 1)[1].split("#")[0].strip()
                lines[i] = re.sub(r"via: [^#\n]+", "via: fuzz-net ", lines[i])
                extra = rng.choice(["access: cellular", "access: fixed", "access: fixed, per_node: 3 W", "per_byte: 2 Wh/GB", "access: satellite",
                                    "per_node: -1 W", "per_byte: 5 W", "count: 4", "per_node: 1e309 W"])
                lines.insert(fleets + 1, "  - {name: fuzz-net, kind: network, %s, via: %s}\n" % (extra, target))
        elif op == "compute":
            # A data centre's year maps and per-message energy, a camera's frames: valid, out of range, malformed.
            block = [i for i, l in enumerate(lines) if re.match(r"^\s+(pue|bitrate): ", l)]
            if block:
                i = rng.choice(block)
                indent = re.match(r"^(\s+)", lines[i]).group(1)
                if "bitrate" in lines[i]:
                    lines.insert(i + 1, "%sfps: %s\n" % (indent, rng.choice(["10", "0", "1000", "5000", "-1", "x", "{uniform: [5, 15]}"])))
                else:
                    lines[i] = "%spue: %s\n" % (indent, rng.choice(["{2025: 1.58, 2027: 1.5, 2030: 1.3}", "{2025: 0.9}", "{twenty: 1.5}", "{}", "1.3"]))
                    lines.insert(i + 1, "%s%s\n" % (indent, rng.choice(["it_efficiency: {2025: 100%, 2035: 40%}", "it_efficiency: 50%", "it_efficiency: {2025: -5%}",
                                                                         "per_message: 2 J", "per_message: 2 W", "per_message: 1e309 J", "it_efficiency: {2025: 100%, 2025: 50%}"])))
        elif op == "replaced":
            # The replaced equipment's purchases inside `replaces: {…}`: valid, `new` (refused), no embodied, bad capex.
            block = [i for i, l in enumerate(lines) if re.match(r"^\s+replaces: \{", l)]
            if block:
                i = rng.choice(block)
                extra = rng.choice(["embodied: {co2e: 10 kg, lifetime: 4 years}", "embodied: default", "embodied: {co2e: 10 kg, lifetime: 4 years}, installed: {age: [0 years, 4 years]}",
                                    "embodied: {co2e: 10 kg, lifetime: 4 years}, installed: new", "installed: existing", "capex: 30 EUR",
                                    "embodied: {co2e: 10 kg, lifetime: 4 years}, capex: 30 EUR", "embodied: {co2e: 10 kg, lifetime: 4 years}, capex: -3",
                                    "embodied: {co2e: 10 kg, lifetime: 4 years}, installed: {age: [5 years, 1 year]}"])
                lines[i] = lines[i].replace("replaces: {", "replaces: {%s, " % extra, 1)
        elif op == "effect":
            # An indirect effect on a carrier: valid, an undeclared carrier, a bad rate, a unit of the wrong carrier.
            names = re.findall(r"name: ([A-Za-z0-9_.-]+)", text)[1:] or ["x"]
            carrier = rng.choice(["petrol", "diesel", "heat", "electricity", "coal"])
            carbon = rng.choice(["2.37 kg/l", "201 g/kWh", "-1 kg/l", "{2025: 2.37 kg/l, 2040: 2.0 kg/l}", "x"])
            rate = rng.choice(["10", "-5", "1e309", "{uniform: [5, 15]}", "ten"])
            lines = [l for l in lines if not l.startswith(("carriers:", "effects:"))]
            # The grid as the electricity carrier too: alone, beside `grid:` (given twice), or malformed.
            electricity = rng.choice(["", "", "electricity: {carbon_intensity: 300 g/kWh}, ", "electricity: [1], ",
                                      "electricity: {carbon_intensity: {hourly: [1]}}, "])
            lines.insert(top + 1, "carriers: {%s%s: {carbon_intensity: %s}}\n" % (electricity, rng.choice(["petrol", "heat", "diesel", "steam"]), carbon))
            lines.insert(top + 2, "effects: [{name: fx, enabled_by: %s, rate: %s, carrier: %s, source: \"(U)\"}]\n" % (rng.choice(names), rate, carrier))
        elif op == "presence":
            # A fleet that moves: its shares by district (adding up or not), a receiver per district or one, odd shapes.
            found = re.search(r"^districts: \[([^\]]*)\]", text, re.M)
            districts = [d.strip() for d in found.group(1).split(",")] if found else ["city"]
            a, b = districts[0], rng.choice(districts[1:] or ["nowhere"])
            names = re.findall(r"name: ([A-Za-z0-9_.-]+)", text)[1:] or ["x"]
            # Mostly fleets that receive traffic, so that valid routes come up as well as wrong ones.
            receivers = re.findall(r"name: ([A-Za-z0-9_.-]+)(?:,| *#.*)?\n?\s*kind: (?:gateway|base-station|network|link|datacenter)", text) or names
            names = receivers * 3 + names
            half = "{weekday: [%s]}" % ", ".join(["0.5"] * 24)
            presence = rng.choice(["{%s: flat}" % a, "{%s: %s, %s: %s}" % (a, half, b, half), "{%s: %s}" % (a, half), "{nowhere: flat}",
                                   "{%s: office}" % a, "{}", "[1]", "{%s: {weekday: [2]}}" % a, "{%s: nosuch}" % a, "~"])
            via = rng.choice(["{%s: %s, %s: %s}" % (a, rng.choice(names), b, rng.choice(names)), "{%s: %s}" % (a, rng.choice(names)),
                              rng.choice(names), "{nowhere: x}", "{%s: [1]}" % a, ""])
            drive = rng.choice(["50%", "road-traffic", "{profile: road-traffic, scale: 80%}", "{uniform: [40%, 60%]}"] * 2 + ["150%", "-1", "x"])
            uplink = rng.choice(["{interval: 30 s}", "{interval: 30 s, parked: 1 h, payload: 45 B}"] * 3 + ["{interval: 0 s}", "{parked: 1 h}", "{interval: 30 s, parked: x}"])
            fleets = next((i for i, l in enumerate(lines) if l.startswith("fleets:")), None)
            depot = rng.choice(["", "", ", depot: %s" % a, ", depot: %s" % b, ", depot: nowhere", ", depot: [1]"])
            entry = "  - {name: fuzz-bus, kind: vehicle, count: %s, drive: %s, uplink: %s, presence: %s%s%s}\n" % (
                rng.choice(["10", "10", "0", "1e9"]), drive, uplink, presence, ", via: %s" % via if via else "", depot)
            lines.insert(fleets + 1 if fleets is not None else len(lines), entry)
        elif op == "link":
            fleets = next((i for i, l in enumerate(lines) if l.startswith("fleets:")), None)
            entry = "  - {name: fuzzlink, kind: link, intensity: %s}\n" % rng.choice(LINKS)
            lines.insert(fleets + 1 if fleets is not None else len(lines), entry)
        else:
            numeric = [s for s in sites if s[2] in ("power", "pue", "it_power", "standby", "idle", "max", "jitter", "per_day")] or sites
            if numeric:
                start, end, _ = rng.choice(numeric)
                return "composition", (text[:start] + rng.choice(DISTRIBUTIONS) + text[end:]).encode("utf-8")
        return "composition", "".join(lines).encode("utf-8")
    if kind in ("extreme", "unit", "name") and sites:
        if kind == "name":
            named = [s for s in sites if s[2] in ("name", "district", "via")] or sites
            start, end, _ = rng.choice(named)
            new = '"' + rng.choice(HOSTILE_NAMES).replace('"', '\\"') + '"'
        else:
            start, end, _ = rng.choice(sites)
            if kind == "extreme":
                new = rng.choice(EXTREMES)
            else:
                number = re.match(r"[-+0-9.eE_]+", text[start:end])
                new = (number.group(0) if number else "1") + " " + rng.choice(UNITS)
        return kind, (text[:start] + new + text[end:]).encode("utf-8")
    if kind == "alias":
        # Nested aliases inside a distribution: a text of linear size whose naive evaluation doubles
        # with each level, or a chain of anchored lists at the top.
        depth = rng.randint(5, 25)
        value = "&a0 {uniform: [1, 2]}"
        for i in range(1, depth):
            value = "&a%d {uniform: [%s, *a%d]}" % (i, value, i - 1)
        numeric = [s for s in sites if s[2] in ("power", "count", "pue", "sleep", "jitter")] or sites
        if numeric:
            start, end, _ = rng.choice(numeric)
            return kind, (text[:start] + value + text[end:]).encode("utf-8")
        return kind, (value + "\n" + text).encode("utf-8")
    if kind == "encoding":
        choice = rng.choice(["bom", "crlf", "latin1", "nul", "control", "tab", "utf16"])
        if choice == "bom":
            return kind, b"\xef\xbb\xbf" + text.encode("utf-8")
        if choice == "crlf":
            return kind, text.replace("\n", "\r\n").encode("utf-8")
        if choice == "latin1":
            return kind, text.replace("µ", "\xb5").encode("latin-1", errors="replace")
        if choice == "utf16":
            return kind, text.encode("utf-16")
        data = bytearray(text.encode("utf-8"))
        at = rng.randrange(len(data))
        data[at:at] = {"nul": b"\x00", "control": b"\x07", "tab": b"\t"}[choice]
        return kind, bytes(data)
    if kind == "truncate":
        data = text.encode("utf-8")
        return kind, data[: rng.randrange(len(data))]
    if kind == "duplicate-key":
        lines = text.splitlines(keepends=True)
        keyed = [i for i, l in enumerate(lines) if KEY_VALUE.match(l.rstrip("\n"))]
        if keyed:
            i = rng.choice(keyed)
            lines.insert(i + 1, lines[i])
        return kind, "".join(lines).encode("utf-8")
    # structure: delete, swap or re-indent a line
    lines = text.splitlines(keepends=True)
    i = rng.randrange(len(lines))
    op = rng.choice(["delete", "indent", "dedent", "dup", "swap"])
    if op == "delete":
        del lines[i]
    elif op == "indent":
        lines[i] = "  " + lines[i]
    elif op == "dedent":
        lines[i] = lines[i].lstrip()
    elif op == "dup":
        lines.insert(i, lines[i])
    else:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return "structure", "".join(lines).encode("utf-8")


DIAGNOSTIC = re.compile(r"^(.+):(\d+):(\d+): error: (.*)$")
TRAPS = {132, 133, 134, 136, 137, 139}


def check_located(stderr, path, line_count):
    """Every line of stderr is a located diagnostic inside the file; returns a problem or None."""
    lines = [l for l in stderr.splitlines() if l.strip()]
    if not lines:
        return "exit 65 without a diagnostic"
    for l in lines:
        if re.fullmatch(r"\d+ problems? in " + re.escape(path), l):
            continue
        m = DIAGNOSTIC.match(l)
        if not m:
            return f"unlocated line: {l[:200]!r}"
        lines_in_file = line_count
        if m.group(1) != path:
            # A mistake in a scenario the mutant extends is reported in that scenario, at its line.
            parent = re.fullmatch(r"<built-in (.+)>", m.group(1))
            if not parent or parent.group(1) + ".yaml" not in library():
                return f"diagnostic names another file: {l[:200]!r}"
            lines_in_file = library()[parent.group(1) + ".yaml"].count("\n") + 1
        if not 1 <= int(m.group(2)) <= max(1, lines_in_file + 1):
            return f"line {m.group(2)} outside the file ({line_count} lines): {l[:200]!r}"
    return None


def schema_validator():
    """The committed schema with a real validator (Debian's python3-jsonschema), and its YAML loader."""
    sys.path.insert(0, os.path.join(ROOT, "Tests", "schema"))
    import jsonschema
    import validate_scenarios
    schema = json.load(open(os.path.join(ROOT, "Scenarios", "urbanwatt.schema.json")))
    return jsonschema.Draft202012Validator(schema), validate_scenarios.Loader


def schema_problem(schema, data):
    """Why the schema refuses a document the decoder accepted; None when it accepts it, or when
    PyYAML cannot read what Yams did (the two YAML 1.1 readers differ at the margins)."""
    import yaml
    validator, loader = schema
    try:
        doc = yaml.load(data.decode("utf-8-sig"), Loader=loader)
    except Exception:
        return None
    error = next(iter(validator.iter_errors(doc)), None)
    return None if error is None else f"the schema refuses what validate accepts: {error.message[:200]} at {list(error.absolute_path)}"


def run_one(binary, path, data, out, schema=None, runs=True):
    line_count = data.count(b"\n") + 1
    try:
        v = subprocess.run([binary, "validate", path], capture_output=True, timeout=10, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "hang", "validate did not end within 10 s"
    err = v.stderr.decode("utf-8", errors="replace")
    if v.returncode in TRAPS or v.returncode < 0:
        return "crash", f"validate exit {v.returncode}: {err[-300:]}"
    if v.returncode == 65:
        problem = check_located(err, path, line_count)
        return ("unlocated", problem) if problem else ("rejected", None)
    if v.returncode != 0:
        return "wrong-exit", f"validate exit {v.returncode}: {err[-300:]}"
    if schema and (problem := schema_problem(schema, data)):
        return "schema-disagrees", problem
    # Valid: one day must run, exit 0 and give finite totals; or refuse with a clear usage error.
    try:
        r = subprocess.run([binary, "run", path, "--quiet", "--out", out, "--from", "2030-03-02", "--to", "2030-03-03"],
                           capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "hang", "one simulated day did not end within 60 s"
    err = r.stderr.decode("utf-8", errors="replace")
    if r.returncode in TRAPS or r.returncode < 0:
        return "crash", f"run exit {r.returncode}: {err[-300:]}"
    if r.returncode in (64, 65):
        return ("refused", None) if err.strip() else ("wrong-exit", "run refused without saying why")
    if r.returncode != 0:
        return "wrong-exit", f"run exit {r.returncode}: {err[-300:]}"
    try:
        summary = json.load(open(os.path.join(out, "summary.json")))
    except (OSError, ValueError) as e:
        return "wrong-result", f"summary.json unreadable: {e}"
    totals = summary.get("totals", {})
    bad = [k for k, v in totals.items() if isinstance(v, (int, float)) and not math.isfinite(v)]
    if bad or summary.get("complete") is not True:
        return "wrong-result", f"totals {bad} not finite or run not complete"
    # Uncertain inputs: a few Monte Carlo runs draw them (redraws, cross checks, mostly-outside ranges).
    if runs and re.search(rb"\{(uniform|normal|triangular):", data):
        try:
            m = subprocess.run([binary, "run", path, "--quiet", "--out", out, "--from", "2030-03-02", "--to", "2030-03-03", "--runs", "3"],
                               capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            return "hang", "three Monte Carlo runs of a day did not end within 60 s"
        err = m.stderr.decode("utf-8", errors="replace")
        if m.returncode in TRAPS or m.returncode < 0:
            return "crash", f"run --runs 3 exit {m.returncode}: {err[-300:]}"
        if m.returncode in (64, 65):
            return ("refused", None) if err.strip() else ("wrong-exit", "--runs refused without saying why")
        if m.returncode != 0:
            return "wrong-exit", f"run --runs 3 exit {m.returncode}: {err[-300:]}"
        return "ran-runs", None
    return "ran", None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("URBANWATT_BIN", os.path.join(ROOT, ".build/release/urbanwatt")))
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=1e9, help="stop starting mutants after this long")
    ap.add_argument("--keep", help="folder to copy failing mutants into")
    ap.add_argument("--schema", action="store_true", help="also check accepted mutants against the committed JSON Schema")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    schema = schema_validator() if args.schema else None
    lib = library()
    names = sorted(lib)
    classes = {}
    outcomes = {}
    failures = []
    started = time.monotonic()
    done = 0
    with tempfile.TemporaryDirectory(prefix="urbanwatt-fuzz-") as tmp:
        for i in range(args.count):
            if time.monotonic() - started > args.seconds:
                break
            name = rng.choice(names)
            kind, data = mutate(lib[name], rng)
            path = os.path.join(tmp, f"mutant-{i}.yaml")
            data = data.replace(b"{self}", f"mutant-{i}.yaml".encode())
            with open(path, "wb") as f:
                f.write(data)
            # The national and million-node scenarios take seconds a run: their Monte Carlo is benchmarked, not fuzzed.
            outcome, problem = run_one(args.bin, path, data, os.path.join(tmp, "out"), schema, runs=name not in ("deutschland.yaml", "metropole.yaml"))
            classes[kind] = classes.get(kind, 0) + 1
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            done += 1
            if problem:
                failures.append((i, name, kind, outcome, problem))
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    with open(os.path.join(args.keep, f"mutant-{i}-{outcome}.yaml"), "wb") as f:
                        f.write(data)
            os.remove(path)
    print(f"mutants: {done} in {time.monotonic() - started:.0f} s (seed {args.seed})")
    print("mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())))
    print("outcomes:  " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    for i, name, kind, outcome, problem in failures[:40]:
        print(f"  FAIL mutant {i} ({name}, {kind}): {outcome}: {problem}")
    print(f"{done - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
