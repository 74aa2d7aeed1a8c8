import Foundation
import HTTPTypes
import Hummingbird
import LeadEngine

/// The dashboard's two cookies: the session, and the sign-in form's CSRF token (a pre-session
/// double submit: the form carries the value the cookie holds, which another site cannot read).
enum DashboardCookies {
    static let session = "ezleeds_session"
    static let signIn = "ezleeds_signin"

    /// `Secure` when the browser reached us over TLS: behind a proxy that says so, or when the
    /// server's public URL is https.
    static func isSecure(_ request: Request, publicBaseURL: String?) -> Bool {
        request.headers[.xForwardedProto]?.lowercased() == "https" || (publicBaseURL?.lowercased().hasPrefix("https://") ?? false)
    }

    static func session(_ token: String, secure: Bool) -> Cookie {
        Cookie(
            name: Self.session, value: token, maxAge: Int(DashboardSessions.lifetimeMilliseconds / 1000), path: "/dashboard", secure: secure,
            httpOnly: true, sameSite: .lax
        )
    }

    static func signIn(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: Self.signIn, value: token, maxAge: 3_600, path: "/dashboard/sign-in", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Tells the browser to drop a cookie set with `path`.
    static func expired(_ name: String, path: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: path, secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// 128 random bits, hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    /// Compares two tokens in time independent of where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8), b = Array(b.utf8)
        guard a.count == b.count, !a.isEmpty else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension HTTPField.Name {
    static let xForwardedProto = Self("X-Forwarded-Proto")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
