/// The element types the gateway moves in and out of ONNX Runtime, with ONNX's numeric codes
/// (`ONNXTensorElementDataType`).
public enum TensorElementType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case float = 1
    case uint8 = 2
    case int8 = 3
    case int32 = 6
    case int64 = 7
    case bool = 9
    case float16 = 10
    case double = 11

    /// Size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .float16: 2
        case .float, .int32: 4
        case .int64, .double: 8
        }
    }

    public var description: String {
        switch self {
        case .float: "float32"
        case .uint8: "uint8"
        case .int8: "int8"
        case .int32: "int32"
        case .int64: "int64"
        case .bool: "bool"
        case .float16: "float16"
        case .double: "float64"
        }
    }
}

/// A dense tensor held in Swift memory: a shape and row-major elements of one type.
public struct Tensor: Sendable, Equatable {
    /// The elements, typed.
    public enum Storage: Sendable, Equatable {
        case float([Float])
        case float16([Float16])
        case double([Double])
        case int64([Int64])
        case int32([Int32])
        case uint8([UInt8])
        case int8([Int8])
        case bool([Bool])
    }

    public var shape: [Int]
    public var storage: Storage

    public init(shape: [Int], storage: Storage) {
        self.shape = shape
        self.storage = storage
    }

    public init(float values: [Float], shape: [Int]) { self.init(shape: shape, storage: .float(values)) }
    public init(float16 values: [Float16], shape: [Int]) { self.init(shape: shape, storage: .float16(values)) }
    public init(int64 values: [Int64], shape: [Int]) { self.init(shape: shape, storage: .int64(values)) }
    public init(int32 values: [Int32], shape: [Int]) { self.init(shape: shape, storage: .int32(values)) }

    public var elementType: TensorElementType {
        switch storage {
        case .float: .float
        case .float16: .float16
        case .double: .double
        case .int64: .int64
        case .int32: .int32
        case .uint8: .uint8
        case .int8: .int8
        case .bool: .bool
        }
    }

    public var count: Int {
        switch storage {
        case .float(let v): v.count
        case .float16(let v): v.count
        case .double(let v): v.count
        case .int64(let v): v.count
        case .int32(let v): v.count
        case .uint8(let v): v.count
        case .int8(let v): v.count
        case .bool(let v): v.count
        }
    }

    /// The elements as `Float`, converting float16/float64; nil for integer tensors.
    public var floats: [Float]? {
        switch storage {
        case .float(let v): v
        case .float16(let v): v.map(Float.init)
        case .double(let v): v.map(Float.init)
        default: nil
        }
    }

    public var int64s: [Int64]? {
        if case .int64(let v) = storage { return v }
        return nil
    }

    /// Calls `body` with the raw bytes of the elements.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .float(let v): try v.withUnsafeBytes(body)
        case .float16(let v): try v.withUnsafeBytes(body)
        case .double(let v): try v.withUnsafeBytes(body)
        case .int64(let v): try v.withUnsafeBytes(body)
        case .int32(let v): try v.withUnsafeBytes(body)
        case .uint8(let v): try v.withUnsafeBytes(body)
        case .int8(let v): try v.withUnsafeBytes(body)
        case .bool(let v): try v.withUnsafeBytes(body)
        }
    }

    /// Builds a tensor by copying `count` elements of `type` from `source`.
    static func copying(from source: UnsafeRawPointer, type: TensorElementType, count: Int, shape: [Int]) -> Tensor {
        func array<T>(_: T.Type) -> [T] {
            Array(UnsafeBufferPointer(start: source.assumingMemoryBound(to: T.self), count: count))
        }
        let storage: Storage =
            switch type {
            case .float: .float(array(Float.self))
            case .float16: .float16(array(Float16.self))
            case .double: .double(array(Double.self))
            case .int64: .int64(array(Int64.self))
            case .int32: .int32(array(Int32.self))
            case .uint8: .uint8(array(UInt8.self))
            case .int8: .int8(array(Int8.self))
            case .bool: .bool(array(UInt8.self).map { $0 != 0 })
            }
        return Tensor(shape: shape, storage: storage)
    }
}
