import Foundation
import TestSupport
import Testing
import UrbanWattCore
@testable import UrbanWattTelemetry

/// The shipped dashboards and compose file: every Grafana panel queries metrics and labels that
/// `listen --metrics` really exposes, and Debian's docker-compose accepts the compose file, whose
/// ports stay on 127.0.0.1, whose image is built once, and whose run waits for a healthy listener.
@Suite struct DashboardsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    /// Runs `python3 -c script args…` and returns its stdout.
    static func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, out: String) {
        let p = try CLI.program("/usr/bin/env", ["python3", "-c", script] + arguments)
        return (p.status, p.stdout + p.stderr)
    }

    @Test func everyPanelQueriesAnExposedMetric() throws {
        var a = Aggregator()
        a.running(try JSONParser.parse(#"{"scenario":"m","fleets":{"lamps":{"kind":"streetlight","layer":"lighting","district":"north"}}}"#))
        a.add(
            topic: "urbanwatt/m/north/streetlight/lamps/lamps-0",
            payload: Array(#"{"ts":"2025-01-01T00:15:00Z","node":"lamps-0","fleet":"lamps","kind":"streetlight","power_w":5,"energy_j":4500,"seq":0}"#.utf8))
        a.finished(
            try JSONParser.parse(
                #"""
                {"balance":{"baseline_kwh":3,"savings_efficiency_kwh":1.5,"savings_ict_kwh":0.5,"savings_kwh":2,"rebound_kwh":0,"rebound_ict_kwh":0,"ict_overhead_kwh":1,"net_kwh":0.5,"net_with_efficiency_kwh":-1}}
                """#))
        // Metric name → its label names, from the exposition.
        var exposed: [String: Set<String>] = [:]
        for line in PrometheusText.render(a).split(separator: "\n") where !line.hasPrefix("#") {
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            var labels = Set<String>()
            if let open = line.firstIndex(of: "{"), let close = line.firstIndex(of: "}") {
                for pair in line[line.index(after: open)..<close].split(separator: ",") { labels.insert(String(pair.prefix { $0 != "=" })) }
            }
            exposed[name, default: []].formUnion(labels)
        }
        let dashboard = try JSONParser.parse(
            try String(contentsOf: Self.root.appendingPathComponent("docker/grafana/dashboards/urbanwatt.json"), encoding: .utf8))
        guard case .array(let panels)? = dashboard["panels"] else { Issue.record("no panels"); return }
        #expect(panels.count >= 6)
        for panel in panels {
            guard case .array(let targets)? = panel["targets"] else { Issue.record("a panel without targets"); continue }
            for t in targets {
                let expr = try #require(t["expr"]?.stringValue)
                let metrics = expr.split { !($0.isLetter || $0.isNumber || $0 == "_") }.filter { $0.hasPrefix("urbanwatt_") }.map(String.init)
                #expect(!metrics.isEmpty, "\(expr)")
                for m in metrics {
                    let labels = try #require(exposed[m], "\(m) in \(panel["title"]?.stringValue ?? "?") is not exposed")
                    // Labels grouped by or matched on must be the metric's own.
                    for used in Self.labelsUsed(expr) { #expect(labels.contains(used), "\(m) has no label \(used)") }
                }
            }
        }
    }

    /// Label names in `by (…)` and `{label=…}` of a PromQL expression.
    static func labelsUsed(_ expr: String) -> [String] {
        var out: [String] = []
        if let by = expr.range(of: "by ("), let close = expr[by.upperBound...].firstIndex(of: ")") {
            out += expr[by.upperBound..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if let open = expr.firstIndex(of: "{"), let close = expr.firstIndex(of: "}") {
            out += expr[expr.index(after: open)..<close].split(separator: ",").map { String($0.prefix { $0.isLetter || $0 == "_" }) }
        }
        return out
    }

    @Test func theComposeFileIsValidAndSafe() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-compose") else {
            Issue.record("docker-compose is not installed (scripts/setup --test installs it)")
            return
        }
        let compose = Self.root.appendingPathComponent("docker-compose.yml").path
        let p = try CLI.program("/usr/bin/docker-compose", ["-f", compose, "--profile", "dashboards", "--profile", "influx", "config"])
        #expect(p.status == 0, "\(p.stderr)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("urbanwatt-compose-\(UUID().uuidString).yml")
        try p.stdout.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        // The resolved configuration, checked where YAML is read best.
        let r = try Self.python(
            """
            import json, sys, yaml
            c = yaml.safe_load(open(sys.argv[1]))
            s = c["services"]
            ports = [p for v in s.values() for p in v.get("ports", [])]
            print(json.dumps({
              "ports": [p.get("host_ip", "") if isinstance(p, dict) else str(p).split(":")[0] for p in ports],
              "builds": sorted(k for k, v in s.items() if "build" in v),
              "images": sorted({v.get("image", "") for k, v in s.items() if k in ("listener", "urbanwatt")}),
              "run_waits": s["urbanwatt"]["depends_on"]["listener"]["condition"],
              "listener_health": "healthcheck" in s["listener"],
              "published": sorted(str(p["published"]) if isinstance(p, dict) else str(p).split(":")[1] for p in ports),
            }))
            """, [file.path])
        #expect(r.status == 0, "\(r.out)")
        let v = try JSONParser.parse(r.out)
        guard case .array(let hosts)? = v["ports"] else { Issue.record("no ports"); return }
        #expect(!hosts.isEmpty && hosts.allSatisfy { $0.stringValue == "127.0.0.1" }, "\(r.out)")
        #expect(v["builds"] == .array([.string("listener")]) && v["images"] == .array([.string("urbanwatt:0.1.0")]))
        #expect(v["run_waits"]?.stringValue == "service_healthy" && v["listener_health"] == .bool(true))
        // Clear of the README's own broker on 1883.
        guard case .array(let published)? = v["published"] else { return }
        #expect(!published.contains(.string("1883")))
    }

    /// The Kubernetes Jobs of docs/sharding.md: YAML that parses, checked against a schema of the
    /// fields they rely on (indexed completion with per-index retries, a deadline, a non-root
    /// security context, and a merge that names every shard).
    @Test func theKubernetesManifestsAreValidJobs() throws {
        let r = try Self.python(
            """
            import json, re, sys, yaml, jsonschema
            text = open(sys.argv[1]).read()
            docs = [d for block in re.findall(r"```yaml\\n(.*?)```", text, re.S) for d in yaml.safe_load_all(block) if d]
            secure = {"type": "object", "required": ["runAsNonRoot", "runAsUser"],
                      "properties": {"runAsNonRoot": {"const": True}, "runAsUser": {"type": "integer", "minimum": 1}}}
            container = {"type": "object", "required": ["name", "image", "securityContext"],
                         "properties": {"securityContext": {"type": "object", "required": ["allowPrivilegeEscalation"],
                                                            "properties": {"allowPrivilegeEscalation": {"const": False}}}}}
            job = {"type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
                   "properties": {"apiVersion": {"const": "batch/v1"}, "kind": {"const": "Job"},
                                  "spec": {"type": "object", "required": ["activeDeadlineSeconds", "template"],
                                           "properties": {"activeDeadlineSeconds": {"type": "integer", "minimum": 1},
                                                          "template": {"type": "object", "required": ["spec"],
                                                                       "properties": {"spec": {"type": "object", "required": ["restartPolicy", "securityContext", "containers"],
                                                                                               "properties": {"restartPolicy": {"const": "Never"}, "securityContext": secure,
                                                                                                              "containers": {"type": "array", "minItems": 1, "items": container}}}}}}}}}
            for d in docs:
                jsonschema.validate(d, job)
            shards, merge = docs[0], docs[1]
            n = shards["spec"]["completions"]
            assert shards["spec"]["completionMode"] == "Indexed" and shards["spec"]["backoffLimitPerIndex"] >= 1, shards["spec"]
            named = re.findall(r"/results/shard-(\\d+)", merge["spec"]["template"]["spec"]["containers"][0]["args"][0])
            assert sorted(map(int, named)) == list(range(1, n + 1)), named
            print(json.dumps({"jobs": len(docs), "shards": n}))
            """, [Self.root.appendingPathComponent("docs/sharding.md").path])
        #expect(r.status == 0 && r.out.contains("\"jobs\": 2"), "\(r.out)")
    }

    @Test func theGrafanaAndPrometheusFilesParse() throws {
        let files = ["docker/prometheus.yml", "docker/grafana/provisioning/datasources/prometheus.yml", "docker/grafana/provisioning/dashboards/urbanwatt.yml"]
        let r = try Self.python(
            """
            import sys, yaml
            for f in sys.argv[1:]:
                yaml.safe_load(open(f))
            d = yaml.safe_load(open(sys.argv[2]))["datasources"][0]
            assert d["uid"] == "urbanwatt-prometheus" and d["type"] == "prometheus", d
            print("ok")
            """, files.map { Self.root.appendingPathComponent($0).path })
        #expect(r.status == 0 && r.out == "ok\n", "\(r.out)")
    }
}
