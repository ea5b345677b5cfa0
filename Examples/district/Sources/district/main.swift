// Simulate a district in a few lines: Mittelstadt's centre in January 2025, with half its
// chargers, and its uncertainty band.
import UrbanWattCore // the scenario's types: CivilDate, YearMap, EVCharger
import UrbanWattKit

var city = try Simulation.load("mittelstadt-2035") // its roll-out, with distributions for --runs
city.scenario.end = CivilDate(year: 2025, month: 2, day: 1)
city.scenario.fleets = city.scenario.fleets.filter { $0.district == "centre" }.map { fleet in
    var f = fleet
    if f.model is EVCharger { f.count = YearMap(points: f.count.points.map { ($0.year, ($0.value / 2).rounded()) }) }
    return f
}
let january = city.run()
print("centre, January 2025: \(january.totalEnergy.converted(to: .kilowattHours).value.rounded()) kWh, peak \(january.peakPower)")
let charging = january.summary().layer(.mobility)?.energyKWh ?? 0 // summary.json's figures, by property
print("of which charging: \(charging.rounded()) kWh")
try january.write(to: "out/centre-january")
// Monte Carlo runs the scenario as edited here; the fleets left as the YAML has them take its draws.
let band = try city.uncertainty(runs: 10).section?.total("energy_kwh")
print("over 10 draws: \(band.map { "\($0.p5.rounded()) to \($0.p95.rounded()) kWh" } ?? "too few runs")")
