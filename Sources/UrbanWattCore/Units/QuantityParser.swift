/// Reads quantities written as a number with a unit ("150 W", "5 µW", "0.06 kWh/GB", "50%").
///
/// A bare number is read in the dimension's canonical unit. The result is always canonical:
/// `QuantityParser.parse("11 kW", as: .power)` is `11000`.
package enum QuantityParser {
    /// Why a text is not a quantity of the wanted dimension.
    package enum Failure: Error, Equatable, Sendable {
        case notANumber
        case unknownUnit(String, Dimension?)
    }

    /// Parses `text` as a quantity of `dimension`, returning its value in the canonical unit.
    package static func parse(_ text: String, as dimension: Dimension) -> Result<Double, Failure> {
        let trimmed = text.trimmingSpaces
        // Split at the first character that cannot belong to a number.
        var numberEnd = trimmed.startIndex
        for index in trimmed.indices {
            let character = trimmed[index]
            if character.isNumber || "+-.eE_".contains(character) {
                // An 'e' only belongs to the number when a digit or sign follows it ("1e3", not "1 eur").
                if character == "e" || character == "E" {
                    let next = trimmed.index(after: index)
                    guard next < trimmed.endIndex, trimmed[next].isNumber || "+-".contains(trimmed[next]) else { break }
                }
                numberEnd = trimmed.index(after: index)
            } else {
                break
            }
        }
        let numberText = trimmed[..<numberEnd].replacingUnderscores
        let unitText = trimmed[numberEnd...].trimmingSpaces
        guard let value = Double(numberText), value.isFinite else { return .failure(.notANumber) }
        if unitText.isEmpty { return .success(value) }
        if let unit = dimension.units.first(where: { $0.symbol == unitText }) {
            return .success(value * unit.factor)
        }
        let other = Dimension.allCases.first { $0.units.contains { $0.symbol == unitText } }
        return .failure(.unknownUnit(unitText, other))
    }

    /// Parses a price such as "0.30 EUR/kWh" into EUR per joule and the ISO currency code.
    package static func parsePrice(_ text: String) -> (perJoule: Double, currency: String)? {
        guard let (value, currency, per) = priceParts(text), let energy = Dimension.energy.units.first(where: { $0.symbol == per }) else { return nil }
        return (value / energy.factor, currency)
    }

    /// Parses a fuel price such as "1.75 EUR/l" into the currency per litre and its code.
    package static func parseLitrePrice(_ text: String) -> (perLitre: Double, currency: String)? {
        guard let (value, currency, per) = priceParts(text), per == "l" else { return nil }
        return (value, currency)
    }

    /// "0.30 EUR/kWh" as (0.30, "EUR", "kWh"): a number, a three-letter currency code, a unit.
    private static func priceParts(_ text: String) -> (Double, String, String)? {
        let parts = text.trimmingSpaces.split(separator: " ", omittingEmptySubsequences: true)
        // Spot prices can be negative; ±1000 per kWh (or litre) is far beyond any tariff.
        guard parts.count == 2, let value = Double(parts[0]), value.isFinite, abs(value) <= 1000 else { return nil }
        let unit = parts[1].split(separator: "/")
        guard unit.count == 2, unit[0].count == 3, unit[0].allSatisfy({ $0.isUppercase && $0.isLetter }) else { return nil }
        return (value, String(unit[0]), String(unit[1]))
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }

    var replacingUnderscores: String { String(filter { $0 != "_" }) }
}
