import Testing

import LeadEngine

@Suite("Strict JSON parsing of request bodies")
struct JSONParserTests {
    @Test(
        "well-formed documents parse to the expected values",
        arguments: [
            (#"{"a": 1, "b": [true, false, null], "c": "x"}"#, JSONValue.object(["a": 1, "b": [true, false, .null], "c": "x"])),
            (#"  [ ]  "#, .array([])),
            (#"{}"#, .object([:])),
            (#"-0"#, .integer(0)),
            (#"9223372036854775807"#, .integer(Int64.max)),
            (#"9223372036854775808"#, .number(9_223_372_036_854_775_808)),
            (#"1.5e3"#, .number(1500)),
            (#""tab\tquote\"slash\/u\u00e9 pair\ud83d\ude00""#, .string("tab\tquote\"slash/ué pair😀")),
            (#""héllo""#, .string("héllo")),
            (#"{"a": 1, "a": 2}"#, .object(["a": 2])),
        ]
    )
    func parses(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test(
        "malformed documents are refused",
        arguments: [
            "", " ", "{", "}", #"{"a": 1,}"#, "[1, 2,]", "[1 2]", #"{"a" 1}"#, #"{a: 1}"#, "'x'", "01", "1.", ".5", "1e", "+1",
            "-", "NaN", "Infinity", "tru", "nul", #""unterminated"#, "\"control\u{01}char\"", #""\x""#, #""\ud83d""#, #""\ude00""#,
            #""\u12""#, "1 2", #"{"a": 1} x"#, "1e999",
        ]
    )
    func refuses(text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test("invalid UTF-8 and excessive nesting are refused")
    func hostileInput() throws {
        let invalidUTF8: [UInt8] = [UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")]
        #expect(throws: JSONParser.SyntaxError.self) { try invalidUTF8.withUnsafeBytes { try JSONParser.parse($0) } }
        let deep = String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(deep) }
        let allowed = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(try JSONParser.parse(allowed) != .null)
    }
}
