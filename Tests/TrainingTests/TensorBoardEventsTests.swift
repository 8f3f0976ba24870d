import Foundation
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
