public import UrbanWattCore
/// The commented scenarios `urbanwatt new` writes to start from.
public enum ScenarioTemplate {
    /// A small town with one fleet of each layer, every key commented.
    public static func standalone(name: String) -> String {
        """
        # \(name): a scenario to start from. `urbanwatt list` shows every kind, key, default and source;
        # `urbanwatt validate \(name).yaml` checks it and points at each mistake.
        urbanwatt: 1
        name: \(name)
        description: What this scenario shows, in one line.
        seed: 1                                  # random draws (phases, jitter, sessions) follow from it
        location: {latitude: 51.31, longitude: 9.48, timezone: Europe/Berlin}   # street lights need it
        period: {start: 2025-01-01, end: 2026-01-01, step: 15 min}             # the step must divide a day
        grid: {carbon_intensity: 380 g/kWh, price: 0.30 EUR/kWh}                # or year maps, or hourly shapes
        districts: [centre]
        fleets:
          # --- sensing: battery sensors over LoRaWAN, through a gateway and the Internet to a data centre
          - name: parking
            kind: sensor
            count: {2025: 200, 2030: 1000}       # linear between 1 January of the listed years
            radio: {type: lorawan, spreading_factor: {7: 50%, 9: 30%, 12: 20%}}
            uplink: {interval: 15 min, payload: 11 B}
            battery: 19 Wh
            via: gateways
          # --- network
          - {name: gateways, kind: gateway, count: 5, power: 3.2 W, via: internet}
          - {name: internet, kind: link, intensity: {value: 0.06 kWh/GB, year: 2015, halving: 2 years}, via: platform}
          # --- compute
          - {name: platform, kind: datacenter, it_power: 2 kW, pue: 1.58, per_gb: 0.017 kWh/GB}
          # --- lighting: LED lights dimmed at night, replacing sodium lamps (the savings in `balance`)
          - name: lights
            kind: streetlight
            count: 1000
            power: {triangular: [38 W, 42 W, 48 W]}   # uncertain: without --runs the mode, 42 W; --runs draws it
            dimming: [{from: "23:00", to: "05:00", level: 50%}]
            replaces: {power: 100 W, dimming: none}
          # --- mobility
          - {name: chargers, kind: ev-charger, count: 20, power: 11 kW, sessions: {per_day: 2, energy: 18 kWh, profile: evening}}

        """
    }

    /// A scenario that extends `base`: what to change, with examples commented out, each of which
    /// validates once uncommented: they name `parent`'s own fleets (one whose count can change, and
    /// one no route depends on, to remove) when it is given.
    public static func extending(_ base: String, name: String, parent: Scenario? = nil) -> String {
        let countable = parent?.fleets.filter { !$0.kind.type.isSingleNode } ?? []
        let counted = (countable.first { $0.layer == .sensing } ?? countable.first)?.name ?? "a-fleet-of-\(base)"
        let routed = Set(parent?.fleets.compactMap(\.via) ?? [])
        let removable = parent?.fleets.last { !routed.contains($0.name) && $0.name != counted }?.name ?? "a-fleet-name"
        return extendingText(base, name: name, counted: counted, removable: removable)
    }

    private static func extendingText(_ base: String, name: String, counted: String, removable: String) -> String {
        """
        # \(name): built on \(base). Everything of \(base) applies; write here only what differs.
        # Top-level keys replace \(base)'s; a fleet named like one of \(base)'s changes only the keys
        # given; a new name adds a fleet; `remove` drops fleets. `urbanwatt show` prints a built-in one.
        urbanwatt: 1
        extends: \(base)
        name: \(name)
        description: \(base) with my changes.
        # period: {start: 2025-01-01, end: 2031-01-01, step: 1 h}
        # remove: [\(removable)]
        # Fleets to change or add (uncomment a line, or write your own):
        fleets:
          # - {name: \(counted), count: {2025: 100, 2030: 800}}
          # - {name: my-new-fleet, kind: device, count: 50, power: 6 W}

        """
    }
}
