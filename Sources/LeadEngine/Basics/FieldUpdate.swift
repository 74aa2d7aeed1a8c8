/// One field of a partial update: left alone, or set (for nullable fields, possibly to nil).
public enum FieldUpdate<Value: Sendable>: Sendable {
    case unchanged
    case set(Value)

    public var newValue: Value? {
        if case .set(let value) = self { return value }
        return nil
    }

    public func applied(to current: Value) -> Value {
        if case .set(let value) = self { return value }
        return current
    }
}

extension FieldUpdate: Equatable where Value: Equatable {}
