import Foundation
import Testing
@testable import Evaluation

/// Numbers must parse to exactly the Double Python's json gives (the correctly rounded one), on both
/// the fast path and the strtod fallback.
@Suite struct JSONReaderTests {
    func parse(_ text: String) throws -> [Double] {
        try Array(text.utf8).withUnsafeBytes { raw in
            let reader = JSONReader(bytes: raw)
            var values = [Double]()
            try reader.readArray { _ in values.append(try reader.readNumber()) }
            return values
        }
    }

    @Test func numbersRoundLikePython() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "1", "0.1", "1e-7", "2.5E+3", "123456789012345678901234", "9007199254740993",
                     "0.8999999999999999", "1e22", "1e23", "4.9e-324", "1.7976931348623157e308", "311.29834271259584",
                     "0.000001", "12.75", "-3.0e-2"]
        for _ in 0..<2000 {
            let v = Double.random(in: 0..<700, using: &generator)
            texts.append("\(v)")                                   // shortest repr, 15–17 digits
            texts.append(String(format: "%.3f", v))
            texts.append(String(format: "%.6e", -v))
            // 17–19 significant digits across magnitudes: the extended-precision path and its fallback.
            let w = Double.random(in: 1..<10, using: &generator) * pow(10, Double(Int.random(in: -30...30, using: &generator)))
            texts.append(String(format: "%.16e", w))
            texts.append(String(format: "%.18e", w))
            texts.append(String(format: "%.17g", w))
        }
        let parsed = try parse("[" + texts.joined(separator: ",") + "]")
        #expect(parsed.count == texts.count)
        for (text, value) in zip(texts, parsed) {
            let expected = Double(text)!
            #expect(value.bitPattern == expected.bitPattern, "\(text)")
        }
    }

    @Test func keysValuesAndEscapes() throws {
        let text = #"{"a": [1, 2.5, true, null], "b\"c": "x\ny\u00e9", "d": {}}"#
        try Array(text.utf8).withUnsafeBytes { raw in
            let reader = JSONReader(bytes: raw)
            var keys = [String](), strings = [String]()
            try reader.readObject { key in
                keys.append(key)
                if key == "b\"c" { strings.append(try reader.readString()) } else { try reader.skipValue() }
            }
            #expect(keys == ["a", "b\"c", "d"])
            #expect(strings == ["x\nyé"])
            #expect(reader.atEnd)
        }
    }
}
