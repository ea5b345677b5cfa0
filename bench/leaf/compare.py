"""LEAF (pip leafsim, dos-group/leaf) and UrbanWatt side by side on one fog placement.

100 sensors (0.36 W) each stream 1,000 bit/s over their own Wi-Fi link (300 nJ/bit) to an analytics
task on one of 2 fog nodes (idle 30 W, max 200 W, 10,000 B/s at full load), which sends 20 % of it
over a WAN (6,000 nJ/bit) to a cloud sink (2.7778 kWh/GB). LEAF meters power once a simulated second
for a day; UrbanWatt runs fog.yaml, where the fog tier is a server fleet with `capacity` and
`forward`. Prints both per component, their relative difference and the wall time of each.

Usage: python3 compare.py URBANWATT_BINARY
"""
import json, subprocess, sys, tempfile, time, os

import simpy
from leaf.application import Application, SourceTask, ProcessingTask, SinkTask
from leaf.infrastructure import Infrastructure, Node, Link
from leaf.orchestrator import Orchestrator
from leaf.power import PowerModelNode, PowerModelLink, PowerMeter

SENSORS, FOG_NODES, DAY = 100, 2, 86_400
RATE_BIT = 1_000.0                      # bit/s per sensor
CAPACITY = 10_000.0                     # B/s per fog node at full load: the node's compute units
CLOUD_J_PER_BYTE = 2.7778 * 3.6e6 / 1e9


class RoundRobin(Orchestrator):
    """Places sensor i's analytics on fog node i mod 2, as UrbanWatt spreads load evenly over a fleet."""
    def __init__(self, infrastructure, fogs):
        super().__init__(infrastructure)
        self.fogs, self.next = fogs, 0

    def _processing_task_placement(self, task, application):
        node = self.fogs[self.next % len(self.fogs)]
        self.next += 1
        return node


def leaf_day():
    infra = Infrastructure()
    cloud = Node("cloud", power_model=PowerModelNode(power_per_cu=CLOUD_J_PER_BYTE))
    infra.add_node(cloud)
    fogs = []
    for k in range(FOG_NODES):
        fog = Node(f"fog{k}", cu=CAPACITY, power_model=PowerModelNode(max_power=200, static_power=30))
        infra.add_node(fog)
        infra.add_link(Link(fog, cloud, bandwidth=1e9, power_model=PowerModelLink(6000e-9)))
        fogs.append(fog)
    sensors, wifi = [], []
    for i in range(SENSORS):
        s = Node(f"s{i}", power_model=PowerModelNode(power_per_cu=0, static_power=0.36))
        infra.add_node(s)
        link = Link(s, fogs[i % FOG_NODES], bandwidth=1e6, power_model=PowerModelLink(300e-9))
        infra.add_link(link)
        sensors.append(s)
        wifi.append(link)
    orchestrator = RoundRobin(infra, fogs)
    for s in sensors:
        app = Application()
        source = SourceTask(cu=0, bound_node=s)
        app.add_task(source)
        analytics = ProcessingTask(cu=RATE_BIT / 8)           # B/s of the node's capacity it uses
        app.add_task(analytics, incoming_data_flows=[(source, RATE_BIT)])
        # The cloud's compute units are bytes per second ingested, at its J per byte.
        sink = SinkTask(cu=0.2 * RATE_BIT / 8, bound_node=cloud)
        app.add_task(sink, incoming_data_flows=[(analytics, 0.2 * RATE_BIT)])
        orchestrator.place(app)
    wan = [l for l in infra.links() if l.dst is cloud]
    groups = {"sensors": sensors, "wifi": wifi, "fog": fogs, "wan": wan, "cloud": [cloud]}
    meters = {name: PowerMeter(entities, name=name, measurement_interval=1) for name, entities in groups.items()}
    env = simpy.Environment()
    for m in meters.values():
        env.process(m.run(env))
    env.run(until=DAY)
    # Each measurement is the power over the following second: J = Σ W × 1 s.
    return {name: sum(float(p) for p in m.measurements) / 3.6e6 for name, m in meters.items()}


def urbanwatt_day(binary):
    with tempfile.TemporaryDirectory() as out:
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run([binary, "run", os.path.join(here, "fog.yaml"), "--out", out, "--quiet"], check=True,
                       stdout=subprocess.DEVNULL)
        summary = json.load(open(os.path.join(out, "summary.json")))
    return {name: fleet["energy_kwh"] for name, fleet in summary["by_fleet"].items()}


def main():
    binary = sys.argv[1]
    t0 = time.perf_counter(); leaf = leaf_day(); t1 = time.perf_counter()
    uw = urbanwatt_day(binary); t2 = time.perf_counter()
    worst = 0.0
    print(f"{'component':10} {'LEAF kWh':>14} {'UrbanWatt kWh':>14} {'rel. diff':>10}")
    for name in ["sensors", "wifi", "fog", "wan", "cloud"]:
        diff = abs(uw[name] - leaf[name]) / leaf[name]
        worst = max(worst, diff)
        print(f"{name:10} {leaf[name]:14.9f} {uw[name]:14.9f} {diff:10.1e}")
    total_leaf, total_uw = sum(leaf.values()), sum(uw.values())
    print(f"{'total':10} {total_leaf:14.9f} {total_uw:14.9f} {abs(total_uw - total_leaf) / total_leaf:10.1e}")
    print(f"wall time: LEAF {t1 - t0:.2f} s, UrbanWatt {t2 - t1:.3f} s (process start included)")
    if worst > 1e-9:
        sys.exit(f"UrbanWatt and LEAF differ by {worst:.1e}, more than 1e-9")


main()
