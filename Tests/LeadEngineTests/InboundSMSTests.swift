import LeadEngine
import Testing

@Suite("Inbound texts: Twilio's request signature, and which replies ask to stop")
struct InboundSMSTests {
    static let url = "https://mycompany.com/myapp.php?foo=1&bar=2"

    static func parameters(phone: String) -> [(name: String, value: String)] {
        [("To", "+18005551212"), ("Digits", "1234"), ("From", phone), ("Caller", phone), ("CallSid", "CA1234567890ABCDE")]
    }

    @Test("Twilio's documented examples (auth token 12345) sign to the documented values, in any parameter order")
    func documentedExamples() {
        for (phone, expected) in [("+12349013030", "0/KCTR6DLpKmkAf8muzZqo1nDgQ="), ("+14158675310", "GvWf1cFY/Q7PnoempGyD5oXAezc=")] {
            let parameters = Self.parameters(phone: phone)
            #expect(TwilioRequestSignature.signature(url: Self.url, parameters: parameters, authToken: "12345") == expected)
            #expect(TwilioRequestSignature.isValid(signature: expected, url: Self.url, parameters: parameters.reversed(), authToken: "12345"))
        }
    }

    @Test("a signature over another URL, another value, another token, or not base64 is refused")
    func refusals() {
        let parameters = Self.parameters(phone: "+12349013030")
        let good = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        #expect(!TwilioRequestSignature.isValid(signature: good, url: "http://mycompany.com/myapp.php?foo=1&bar=2", parameters: parameters, authToken: "12345"))
        #expect(!TwilioRequestSignature.isValid(signature: good, url: Self.url, parameters: parameters + [("Body", "STOP")], authToken: "12345"))
        #expect(!TwilioRequestSignature.isValid(signature: good, url: Self.url, parameters: parameters, authToken: "12346"))
        #expect(!TwilioRequestSignature.isValid(signature: "not base64!", url: Self.url, parameters: parameters, authToken: "12345"))
        #expect(!TwilioRequestSignature.isValid(signature: "", url: Self.url, parameters: parameters, authToken: "12345"))
    }

    @Test("stop words and 'opt out' as whole words, any case, punctuation ignored; other texts are not opt-outs")
    func optOutWords() {
        for text in [
            "STOP", "stop", " Stop. ", "stop texting me", "STOPALL", "Unsubscribe!", "cancel", "END", "quit", "Revoke", "OPTOUT", "opt-out",
            "Please opt out", "OPT OUT!!", "stop,please", "no thanks. STOP",
        ] {
            #expect(OptOutMessage.isOptOut(text), "\(text)")
        }
        for text in ["Yes", "unstoppable", "Weekend works", "quite interested", "option outside", "", "call me at 5"] {
            #expect(!OptOutMessage.isOptOut(text), "\(text)")
        }
    }
}
