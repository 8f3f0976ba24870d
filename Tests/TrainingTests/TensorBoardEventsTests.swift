import Datasets
import Foundation
import Tensors
import Testing
import Training

/// TensorBoard event files: CRC-32C as TFRecord needs it, and records framed so a reader can walk them.
@Suite struct TensorBoardEventsTests {
    @Test func crc32cMatchesTheCastagnoliCheckValue() {
        #expect(TensorBoardEvents.crc32c(Data("123456789".utf8)) == 0xE306_9283)
        #expect(TensorBoardEvents.crc32c(Data()) == 0)
    }

    @Test func recordsAreFramedWithLengthsThatWalkTheFile() throws {
        let folder = TrainingFixtures.temporaryFolder("tb")
        let events = try TensorBoardEvents(folder: folder)
        try events.scalars(step: 3, ["train_loss": 0.5, "lr": 0.1])
        try events.flush()
        let data = try Data(contentsOf: events.url)
        var offset = 0, records: [Data] = []
        while offset < data.count {
            let length = data[offset..<offset + 8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            records.append(data[(offset + 12)..<(offset + 12 + length)])
            offset += 12 + length + 4
        }
        #expect(offset == data.count)
        #expect(records.count == 2, "file_version, then one event with both scalars")
        #expect(records[0].range(of: Data("brain.Event:2".utf8)) != nil)
        #expect(records[1].range(of: Data("train_loss".utf8)) != nil && records[1].range(of: Data("lr".utf8)) != nil)
    }
}

/// Image summaries: the Event → Summary → Value → Image nesting, field by field, around a real PNG.
@Suite struct TensorBoardImageTests {
    /// Top-level fields of a protobuf message: number → (wire type, varint value or bytes).
    static func fields(_ data: Data) -> [(field: Int, varint: UInt64?, bytes: Data?)] {
        var out: [(Int, UInt64?, Data?)] = [], i = data.startIndex
        func varint() -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true { let b = data[i]; i += 1; value |= UInt64(b & 0x7F) << shift; shift += 7; if b < 0x80 { return value } }
        }
        while i < data.endIndex {
            let key = varint(), field = Int(key >> 3)
            switch key & 7 {
            case 0: out.append((field, varint(), nil))
            case 1: out.append((field, nil, data[i..<i + 8])); i += 8
            case 2: let n = Int(varint()); out.append((field, nil, data[i..<i + n])); i += n
            case 5: out.append((field, nil, data[i..<i + 4])); i += 4
            default: Issue.record("wire type \(key & 7)"); return out
            }
        }
        return out
    }

    @Test func imageEventNestsAPNGWithItsSize() throws {
        let folder = TrainingFixtures.temporaryFolder("tb-image")
        let events = try TensorBoardEvents(folder: folder)
        var rng = Tensors.SeededGenerator(seed: 3)
        let inputs = Tensor.randn([3, 3, 6, 5], using: &rng)
        let grid = ValidationGrid(columns: 2, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]).render(inputs, correct: [true, false, true])
        #expect(grid.width == 2 * (5 + 4) && grid.height == 2 * (6 + 4), "two columns, two rows of 2-pixel framed cells")
        #expect(grid.sample(x: 0, y: 0, channel: 1) == 200 && grid.sample(x: 9, y: 0, channel: 0) == 220, "green right, red wrong")
        let pixel = min(255, max(0, ((inputs.data[0] * 0.25 + 0.5) * 255).rounded()))
        #expect(grid.sample(x: 2, y: 2, channel: 0) == Int(pixel), "inputs de-normalised")
        let png = try ImageCodecs.encodePNG(grid)
        try events.image(step: 41, tag: "val_samples", png: png, width: grid.width, height: grid.height, channels: 3)
        try events.flush()

        let data = try Data(contentsOf: events.url)
        let firstLength = Int(data[0]) | Int(data[1]) << 8
        let start = 12 + firstLength + 4
        let length = data[start..<start + 8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(start + 12 + length + 4 == data.count, "one image record after the version record")
        let payload = data[(start + 12)..<(start + 12 + length)]
        let crc = data[(start + 12 + length)..<(start + 16 + length)].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        let raw = TensorBoardEvents.crc32c(Data(payload))
        #expect(crc == ((raw >> 15) | (raw << 17)) &+ 0xA282_EAD8, "masked CRC-32C of the payload")

        let event = Self.fields(Data(payload))
        #expect(event.map(\.field) == [1, 2, 5], "wall_time, step, summary")
        #expect(event[1].varint == 41)
        let summary = Self.fields(event[2].bytes!)
        #expect(summary.count == 1 && summary[0].field == 1)
        let value = Self.fields(summary[0].bytes!)
        #expect(value.map(\.field) == [1, 4], "tag, image")
        #expect(String(decoding: value[0].bytes!, as: UTF8.self) == "val_samples")
        let image = Self.fields(value[1].bytes!)
        #expect(image.map(\.field) == [1, 2, 3, 4], "height, width, colorspace, encoded_image_string")
        #expect(image[0].varint == UInt64(grid.height) && image[1].varint == UInt64(grid.width) && image[2].varint == 3)
        #expect(Data(image[3].bytes!) == png)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let decoded = try ImageCodecs.decode(png, file: "grid.png")
        #expect(decoded == grid, "the PNG holds the grid's pixels")
    }
}
