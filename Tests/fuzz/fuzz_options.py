#!/usr/bin/env python3
"""Fuzzes the command line: every numeric, duration and name option of `run`, `listen`, `compare`,
`merge` and `sensitivity` with hostile values. Asserts that nothing traps or hangs and that each refusal says what
is wrong: exit 0, 64 (usage, with a message naming the option), 65, 66, 69 (no broker: the
telemetry options point at a closed port with a short timeout) or 73; and that no `--out`, however
hostile (`.`, `/`, a folder holding a thesis, a link), removes or changes a file UrbanWatt did not write.

Usage: fuzz_options.py --bin .build/release/urbanwatt [--count 400] [--seed 1]
Prints the outcome classes and `N passed, M failed`; exits 1 on any failure.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

VALUES = ["fiware-ul", "fiware-json", "nodes", "fleets", "http://127.0.0.1:9/write?db=x", "ftp://host/x", "http://",
    "0", "-1", "1", "2", "1e300", "-1e300", "nan", "inf", "-inf", "1e-300", "18446744073709551615", "18446744073709551616",
    "9223372036854775808", "-9223372036854775809", "1.5", "", " ", "abc", "1 parsec", "10%", "150%", "-5%", "0%",
    "2s", "0s", "1e9s", "200years", "1h", "15min", "7min", "1d", "1 ms", "3/2", "0/0", "1/0", "2/4", "max", "realtime",
    "8GB", "1B", "1e30GB", "a|b", "a/b", "#", "+", "a\x01b", "x" * 5000, "urbanwatt/{node}", "{bogus}", "$share/g/#",
    "2025-13-01", "2025-02-30", "9999-12-31", "1900-01-01", "0000-01-01", "2025-06-01",
    "influx", "http://127.0.0.1:9", "/", "/city", "city_1", "100000", "100001", "0.05", "1e6", "1e7", "20000", "127.0.0.1:0", "127.0.0.1:65536", "localhost:19999", "1.2.3:80", "01.2.3.4:80", "[::1]:80", "127.0.0.1:",
]

RUN_OPTIONS = ["--resolution", "--runs", "--seed", "--from", "--to", "--step", "--shard", "--max-memory", "--sample",
               "--interval", "--speed", "--expiry", "--max-queued", "--topic", "--apikey", "--payload", "--telemetry",
               "--qos", "--mqtt-version", "--client-id", "--clients", "--connect-rate", "--key-file", "--metrics"]
# `--reconnect-timeout` is fuzzed with `listen`, whose `--timeout` bounds the whole wait; a run given
# a long one rightly retries that long.
LISTEN_OPTIONS = ["--topic", "--qos", "--timeout", "--session", "--reconnect-timeout", "--metrics", "--linger", "--influx", "--max-series"]
FIWARE_OPTIONS = ["--payload", "--apikey", "--devices", "--batch", "--post", "--service", "--service-path"]
COMPARE_OPTIONS = ["--format", "--expect", "--expect"]
MERGE_OPTIONS = ["--key-file", "--resolution", "--timeseries"]
SENSITIVITY_OPTIONS = ["--from", "--to", "--step", "--seed", "--format", "--max-memory"]
TRAPS = {132, 133, 134, 136, 137, 139}
# `--out` values run from a sandbox folder holding files that are not UrbanWatt's: whatever the
# value, those files must be there, unchanged, afterwards.
OUT_VALUES = [".", "..", "/", "./", "docs", "docs/", "docs/thesis.tex", "../precious", "link", "~", "keep.txt",
              "new/deep/folder", "x" * 300, "docs/../docs"]
SENTINELS = {"cwd/keep.txt": "keep", "cwd/docs/thesis.tex": "thesis", "precious/data.txt": "data"}


def make_sandbox(tmp):
    for path, text in SENTINELS.items():
        os.makedirs(os.path.dirname(os.path.join(tmp, path)), exist_ok=True)
        with open(os.path.join(tmp, path), "w") as f:
            f.write(text)
    link = os.path.join(tmp, "cwd", "link")
    if not os.path.lexists(link):
        os.symlink(os.path.join(tmp, "cwd", "docs"), link)
    return os.path.join(tmp, "cwd")


def sentinels_lost(tmp):
    lost = []
    for path, text in SENTINELS.items():
        try:
            with open(os.path.join(tmp, path)) as f:
                if f.read() != text:
                    lost.append(path + " changed")
        except OSError:
            lost.append(path + " gone")
    return lost


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("URBANWATT_BIN", ".build/release/urbanwatt"))
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)  # hostile --out values run from a sandbox folder
    rng = random.Random(args.seed)
    outcomes, failures = {}, []
    with tempfile.TemporaryDirectory(prefix="urbanwatt-optfuzz-") as tmp:
        sandbox = make_sandbox(tmp)
        # Two results for compare and two shards for merge, a day of the retrofit each.
        day = ["--to", "2025-01-02", "--quiet"]
        results = [os.path.join(tmp, f"result-{k}") for k in (1, 2)]
        shards = [os.path.join(tmp, f"shard-{k}") for k in (1, 2)]
        for k in (0, 1):
            subprocess.run([args.bin, "run", "streetlight-retrofit", "--out", results[k]] + day, check=True)
            subprocess.run([args.bin, "run", "streetlight-retrofit", "--shard", f"{k + 1}/2", "--out", shards[k]] + day, check=True)
        commands = {"fiware": ([args.bin, "fiware", "provision", "streetlight-retrofit"], FIWARE_OPTIONS, (0, 64, 69)),
                    "compare": ([args.bin, "compare"] + results, COMPARE_OPTIONS, (0, 64)),
                    "merge": ([args.bin, "merge"] + shards + ["--quiet", "--out", os.path.join(tmp, "merged")], MERGE_OPTIONS, (0, 64, 65, 66, 73)),
                    "sensitivity": ([args.bin, "sensitivity", "mittelstadt-2035", "--quiet", "--out", os.path.join(tmp, "swings")], SENSITIVITY_OPTIONS,
                                    (0, 64, 65, 73))}
        for i in range(args.count):
            command = rng.choice(["run", "run", "run", "listen", "fiware", "compare", "merge", "sensitivity"])
            options = {"run": RUN_OPTIONS, "listen": LISTEN_OPTIONS}.get(command) or commands[command][1]
            chosen = rng.sample(options, rng.randint(1, min(3, len(options))))
            argv = commands[command][0] if command in commands else [args.bin, command]
            argv = list(argv)
            for o in chosen:
                argv += [o, rng.choice(VALUES)]
            if command in commands:
                allowed = commands[command][2]
                # A sensitivity over mittelstadt-2035's decade at a hostile `--step 1` is hours of
                # valid work, not a hang: one day, as `run` gets, unless the end is the value fuzzed.
                if command == "sensitivity" and "--to" not in chosen:
                    argv += ["--to", "2025-01-02"]
                try:
                    p = subprocess.run(argv, capture_output=True, timeout=60)
                except subprocess.TimeoutExpired:
                    failures.append((i, argv[1:], "hang: did not end within 60 s"))
                    continue
                outcomes[p.returncode] = outcomes.get(p.returncode, 0) + 1
                if p.returncode not in allowed or (p.returncode != 0 and not p.stderr.strip()):
                    failures.append((i, argv[1:], f"exit {p.returncode}: {p.stderr.decode('utf-8', 'replace')[-300:]}"))
                continue
            # Telemetry options only count with a broker: a closed port, given up on quickly.
            argv += ["--mqtt", "mqtt://127.0.0.1:9"]
            if "--reconnect-timeout" not in chosen:
                argv += ["--reconnect-timeout", "0.3s"]
            hostile_out = rng.random() < 0.2
            out = rng.choice(OUT_VALUES) if hostile_out else os.path.join(tmp, "out" if command == "run" else "listen")
            if command == "run":
                if "--to" not in chosen and "--from" not in chosen:
                    argv += ["--to", "2025-01-02"]
                argv += ["--quiet", "--out", out]
            else:
                argv += ["--quiet", "--out", out]
                if "--timeout" not in chosen:
                    argv += ["--timeout", "1s"]
            try:
                p = subprocess.run(argv, capture_output=True, timeout=60, cwd=sandbox if hostile_out else None)
            except subprocess.TimeoutExpired:
                failures.append((i, argv[1:], "hang: did not end within 60 s"))
                outcomes["hang"] = outcomes.get("hang", 0) + 1
                continue
            lost = sentinels_lost(tmp)
            if lost:
                failures.append((i, argv[1:], "deleted what it did not write: " + ", ".join(lost)))
                make_sandbox(tmp)
            err = p.stderr.decode("utf-8", errors="replace")
            code = p.returncode
            outcomes[code] = outcomes.get(code, 0) + 1
            if code in TRAPS or code < 0:
                failures.append((i, argv[1:], f"trap {code}: {err[-300:]}"))
            elif code not in (0, 1, 64, 65, 66, 69, 73, 130):
                failures.append((i, argv[1:], f"exit {code}: {err[-300:]}"))
            elif code in (64, 65, 69, 73) and not err.strip():
                failures.append((i, argv[1:], f"exit {code} without a word"))
    print(f"command lines: {args.count} (seed {args.seed})")
    print("exit codes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items(), key=lambda kv: str(kv[0]))))
    for i, argv, problem in failures[:30]:
        shown = " ".join(a if len(a) < 60 else a[:40] + "…" for a in argv)
        print(f"  FAIL {i}: urbanwatt {shown}: {problem}")
    print(f"{args.count - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
