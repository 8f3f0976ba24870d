import Foundation

/// A parsed JSON document kept loose, so lint can report a wrong field by its path instead of failing to decode.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let value = try decoder.singleValueContainer()
        if value.decodeNil() { self = .null }
        else if let bool = try? value.decode(Bool.self) { self = .bool(bool) }
        else if let number = try? value.decode(Double.self) { self = .number(number) }
        else if let string = try? value.decode(String.self) { self = .string(string) }
        else if let array = try? value.decode([JSONValue].self) { self = .array(array) }
        else { self = .object(try value.decode([String: JSONValue].self)) }
    }

    /// Parses strict JSON, or failing that JSON5, which also admits the NaN and Infinity that Python's json.dump
    /// writes; `strict` tells which one succeeded. Nil with a message when neither parses.
    static func parse(_ data: Data) -> (value: JSONValue?, strict: Bool, problem: String?) {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: data) { return (value, true, nil) }
        let lenient = JSONDecoder()
        lenient.allowsJSON5 = true
        if let value = try? lenient.decode(JSONValue.self, from: data) { return (value, false, nil) }
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return (nil, false, "not valid JSON")
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return (nil, false, "not valid JSON" + (detail.map { ": " + $0 } ?? ""))
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    var array: [JSONValue]? { if case .array(let values) = self { values } else { nil } }
    var number: Double? { if case .number(let value) = self { value } else { nil } }
    var string: String? { if case .string(let value) = self { value } else { nil } }

    /// An integral number as Int (ids, sizes); nil for fractions, non-finite values and other types.
    var integer: Int? {
        guard let number, number.isFinite, number.rounded() == number, abs(number) < 9e15 else { return nil }
        return Int(number)
    }

    /// Whether any number anywhere inside is NaN or infinite.
    var containsNonFinite: Bool {
        switch self {
        case .number(let value): !value.isFinite
        case .array(let values): values.contains { $0.containsNonFinite }
        case .object(let fields): fields.values.contains { $0.containsNonFinite }
        default: false
        }
    }
}
