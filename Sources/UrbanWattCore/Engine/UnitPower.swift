/// The power of one node (weight 1, before efficiency) at each step, for the models whose nodes all
/// draw the same.
enum UnitPower {
    static func series(_ model: FleetModel, clock: StepClock, location: Location?) -> [Double] {
        switch model {
        case .device(let power, let schedule):
            return schedule.series(on: clock).map { power * $0 }
        case .gateway(let power):
            return Array(repeating: power, count: clock.count)
        case .baseStation(let bs):
            return bs.load.series(on: clock).map { bs.power(load: $0) }
        case .server(let idle, let max, let utilisation):
            return utilisation.series(on: clock).map { idle + (max - idle) * $0 }
        case .datacenter(let dc):
            return dc.schedule.series(on: clock).map { dc.pue * dc.itPower * $0 }
        case .streetlight(let light):
            let solar = Solar(latitude: location?.latitude ?? 0, longitude: location?.longitude ?? 0, threshold: light.onBelow)
            return DarkHours.series(solar: solar, dimming: light.dimming, clock: clock).map {
                light.power * $0 + light.controller
            }
        case .trafficSignal(let signal):
            return Array(repeating: signal.power, count: clock.count)
        case .link, .sensor, .evCharger:
            return Array(repeating: 0, count: clock.count)
        }
    }

    /// Energy per byte received at each step, J/B, before efficiency; nil for kinds that add none.
    static func perByte(_ model: FleetModel, clock: StepClock) -> [Double]? {
        switch model {
        case .link(let link):
            return clock.perYear { link.intensity(year: $0) }
        case .datacenter(let dc) where dc.perByte > 0:
            return Array(repeating: dc.pue * dc.perByte, count: clock.count)
        default:
            return nil
        }
    }
}
