import Foundation
import Tensors

/// The PyTorch goldens written by scripts/goldens/tensor_ops.py.
struct GoldenFile: Decodable {
    let torch: String
    let cases: [GoldenCase]

    static let shared: GoldenFile = {
        let url = repositoryRoot.appendingPathComponent("fixtures/goldens/tensor_ops.json")
        do { return try JSONDecoder().decode(GoldenFile.self, from: Data(contentsOf: url)) }
        catch { fatalError("cannot read \(url.path): \(error)") }
    }()
}

struct GoldenArray: Decodable {
    let shape: [Int]
    let data: [Float]
    var tensor: Tensor { Tensor(shape: shape, data) }
}

struct GoldenCase: Decodable, CustomTestStringConvertible {
    let name: String
    let inputs: [String: GoldenArray]
    let params: [String: Param]
    let output: GoldenArray
    let upstream: GoldenArray
    let grads: [String: GoldenArray]
    let extra: [String: GoldenArray]?
    var testDescription: String { name }

    enum Param: Decodable {
        case number(Double), list([Int])
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let l = try? c.decode([Int].self) { self = .list(l) } else { self = .number(try c.decode(Double.self)) }
        }
        var int: Int { if case .number(let v) = self { return Int(v) }; fatalError("not a number") }
        var float: Float { if case .number(let v) = self { return Float(v) }; fatalError("not a number") }
        var ints: [Int] { if case .list(let l) = self { return l }; fatalError("not a list") }
    }

    func int(_ key: String, _ fallback: Int) -> Int { params[key]?.int ?? fallback }
    func float(_ key: String, _ fallback: Float) -> Float { params[key]?.float ?? fallback }
    func constant(_ key: String) -> Tensor { extra![key]!.tensor }
}

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

import Testing
