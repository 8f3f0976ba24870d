import Testing
@testable import Report

@Suite struct ColormapTests {
    @Test func jetEndsAreDarkBlueAndDarkRed() {
        let low = Colormap.jet.rgb(0), high = Colormap.jet.rgb(1), mid = Colormap.jet.rgb(0.5)
        #expect(low == (0, 0, 0.5))
        #expect(high == (0.5, 0, 0))
        #expect(mid.1 == 1)  // green peaks in the middle
    }
}
