import Foundation
import NN
import Tensors

// Shared by the test targets: the deterministic weights of scripts/goldens/formula.py and the fixtures' location.

public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
public let fixturesRoot = repositoryRoot.appendingPathComponent("fixtures")

/// FNV-1a of a parameter name: the seed of its values.

public func fnv1a(_ name: String) -> UInt64 {
    name.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
}

public func formulaTensor(_ name: String, _ shape: [Int]) -> Tensor {
    let n = shape.reduce(1, *), seed = fnv1a(name)
    let values = (0..<n).map { i -> Float in
        var z = seed &+ UInt64(i) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let u = Double(z >> 40) * 0x1p-24
        let v: Double
        if name.hasSuffix("running_var") { v = 0.5 + u }
        else if name.hasSuffix("running_mean") { v = 0.2 * (u - 0.5) }
        else if name.hasSuffix("layer_scale") { v = 0.1 + 0.4 * u }
        else if name.hasSuffix("bias") { v = 0.2 * (u - 0.5) }
        else if shape.count == 1 { v = 0.8 + 0.4 * u }
        else { v = (2 * u - 1) * (3.0 / Double(n / shape[0])).squareRoot() }
        return Float(v)
    }
    return Tensor(shape: shape, values)
}

public func formulaState(_ model: Module) -> [String: Tensor] {
    Dictionary(uniqueKeysWithValues: model.stateDict.map { entry in
        (entry.name, entry.name.hasSuffix("num_batches_tracked") ? Tensor(zeros: []) : formulaTensor(entry.name, entry.tensor.shape))
    })
}
