// Simulate a district in ten lines: Mittelstadt's centre in January, with half its chargers.
import UrbanWattKit

var city = try Simulation.load("mittelstadt")
city.scenario.end = CivilDate(year: 2025, month: 2, day: 1)
city.scenario.fleets = city.scenario.fleets.filter { $0.district == "centre" }.map { fleet in
    var f = fleet
    if f.model is EVCharger { f.count = YearMap(points: f.count.points.map { ($0.year, ($0.value / 2).rounded()) }) }
    return f
}
let january = city.run()
print("centre, January 2025: \(january.totalEnergy.converted(to: .kilowattHours).value.rounded()) kWh, peak \(january.peakPower)")
let charging = january.summary().layer(.mobility)?.energyKWh ?? 0  // summary.json's figures, by property
print("of which charging: \(charging.rounded()) kWh")
try january.write(to: "out/centre-january")
