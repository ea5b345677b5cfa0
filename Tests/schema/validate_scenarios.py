#!/usr/bin/python3
"""Validates every shipped scenario against the committed JSON Schema with a real validator
(Debian's python3-jsonschema, draft 2020-12), and checks that the schema is not vacuous: documents
the decoder rejects for their shape are rejected here too.

Usage: /usr/bin/python3 Tests/schema/validate_scenarios.py; prints `N passed, M failed`, exit 1 on any failure.
"""
import datetime
import glob
import json
import os
import sys

import jsonschema
import yaml

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class Loader(yaml.SafeLoader):
    """YAML 1.1 as the decoder reads it, with dates kept as the text they were written as."""


def _date_as_text(loader, node):
    return loader.construct_scalar(node)


Loader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


def main():
    schema = json.load(open(os.path.join(ROOT, "Scenarios", "urbanwatt.schema.json")))
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted(p for folder in ["Scenarios", "bench", "Tests", "Examples"]
                   for p in glob.glob(os.path.join(ROOT, folder, "**", "*.yaml"), recursive=True) if "/.build/" not in p)
    passed = failed = 0
    for path in files:
        errors = list(validator.iter_errors(yaml.load(open(path, encoding="utf-8"), Loader=Loader)))
        if errors:
            failed += 1
            print(f"FAIL {os.path.relpath(path, ROOT)}: {errors[0].message[:300]} at {list(errors[0].absolute_path)}")
        else:
            passed += 1
            print(f"ok   {os.path.relpath(path, ROOT)}")
    base = yaml.load(open(os.path.join(ROOT, "Scenarios", "mittelstadt.yaml"), encoding="utf-8"), Loader=Loader)
    # Each of these the decoder refuses; the schema must refuse it too.
    broken = {
        "an unknown top-level key": lambda d: d.update(colour="red"),
        "an unknown fleet key": lambda d: d["fleets"][0].update(powr="5 W"),
        "a fleet name with a separator": lambda d: d["fleets"][0].update(name="a|b"),
        "a distribution with two means": lambda d: d["fleets"][3].update(power={"normal": [1, 2, 3]}),
        "a missing period": lambda d: d.pop("period"),
        "a camera without a bitrate": lambda d: d["fleets"].append({"name": "cam", "kind": "camera", "power": "6 W"}),
        "a camera edge box without upstream": lambda d: d["fleets"].append(
            {"name": "cam", "kind": "camera", "power": "6 W", "bitrate": "2 Mbit/s", "edge": {"power": "10 W"}}),
        "replaces on a sensor": lambda d: d["fleets"].append(
            {"name": "s", "kind": "sensor", "radio": {"type": "nbiot"}, "uplink": {"interval": "1 h"}, "replaces": {}}),
    }
    for what, mutate in broken.items():
        doc = json.loads(json.dumps(base))
        mutate(doc)
        if validator.is_valid(doc):
            failed += 1
            print(f"FAIL the schema accepts {what}")
        else:
            passed += 1
            print(f"ok   the schema refuses {what}")
    # And a distribution, which the decoder accepts, is accepted.
    doc = json.loads(json.dumps(base))
    doc["fleets"][3]["power"] = {"triangular": ["5 W", "6 W", "8 W"]}
    if validator.is_valid(doc):
        passed += 1
        print("ok   the schema accepts a distribution")
    else:
        failed += 1
        print("FAIL the schema refuses a distribution")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
