import Foundation
import LeadEngine
import Testing

@Suite("CSV records: RFC 4180 quoting and the formula-injection guard")
struct CSVRecordTests {
    @Test(
        "free text starting a formula gets a leading quote mark; other text is as typed",
        arguments: [
            ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-1", "'-1"), ("@cmd", "'@cmd"), ("\tx", "'\tx"), ("Jane", "Jane"), ("", ""), ("a=b", "a=b"),
            (" =x", " =x"),
        ]
    )
    func guarded(text: String, field: String) {
        var record = CSVRecord()
        record.text(text)
        #expect(record.encoded == field + "\r\n")
    }

    @Test("commas, quotes, CR and LF are quoted, quotes doubled; a CR first is guarded and quoted")
    func quoting() {
        var record = CSVRecord()
        record.text("Doe, Jr")
        record.text(#"say "hi""#)
        record.text("two\nlines")
        record.text("\rx")
        record.value("plain")
        #expect(record.encoded == "\"Doe, Jr\",\"say \"\"hi\"\"\",\"two\nlines\",\"'\rx\",plain\r\n")
    }

    @Test("values the engine made are never guarded: E.164 numbers, negative numbers, times; nil is an empty field")
    func values() {
        var record = CSVRecord()
        record.value("+17025551234")
        record.value(Int64(-5))
        record.value(Int?.none)
        record.time(Date(timeIntervalSince1970: 1_776_000_000.9))
        record.time(nil)
        record.text(nil)
        record.value(Int64(0))
        record.value(Int64.min)
        record.text("Grüße, 🎉")
        #expect(record.encoded == "+17025551234,-5,,2026-04-12T13:20:00Z,,,0,-9223372036854775808,\"Grüße, 🎉\"\r\n")
    }
}
