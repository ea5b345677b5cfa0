// Simulate a district in ten lines: Mittelstadt's centre in January, its street lights halved.
import UrbanWattKit

var city = try Simulation.load("mittelstadt")
city.scenario.end = CivilDate(year: 2025, month: 2, day: 1)
city.scenario.fleets = city.scenario.fleets.filter { $0.district == "centre" }.map { fleet in
    var f = fleet
    if f.model is Streetlight { f.count = YearMap(points: f.count.points.map { ($0.year, ($0.value / 2).rounded()) }) }
    return f
}
let january = city.run()
print("centre, January 2025: \(january.totalEnergy.converted(to: .kilowattHours).value.rounded()) kWh, peak \(january.peakPower)")
let lighting = january.summary().layer(.lighting)?.energyKWh ?? 0  // summary.json's figures, by property
print("of which street lights: \(lighting.rounded()) kWh")
try january.write(to: "out/centre-january")
