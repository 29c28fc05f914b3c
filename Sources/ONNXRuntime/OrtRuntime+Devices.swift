import CONNXRuntime

/// One (execution provider, hardware device) pair ONNX Runtime reports (`GetEpDevices`, ONNX Runtime 1.22+).
public struct EpDevice: Sendable, Equatable {
    /// The execution provider's name, e.g. `CPUExecutionProvider`, `OpenVINOExecutionProvider`.
    public let provider: String
    public let providerVendor: String
    /// `CPU`, `GPU` or `NPU`.
    public let type: String
    public let vendor: String
    public let vendorID: UInt32
    public let deviceID: UInt32
    /// The device's metadata (driver, description, …) and the provider's for this device.
    public let metadata: [String: String]
    public let providerMetadata: [String: String]
}

/// A plugin execution-provider library registered (or not) with ONNX Runtime.
public struct ProviderLibraryStatus: Sendable, Equatable {
    public let name: String
    public let path: String
    /// nil when registered; else why not.
    public let error: String?

    public init(name: String, path: String, error: String?) {
        self.name = name
        self.path = path
        self.error = error
    }
}

extension OrtRuntime {
    /// The ONNX Runtime release from which device discovery and plugin providers exist.
    public static let deviceAPIVersion = "1.\(AIGW_ORT_DEVICE_API_MINOR)"

    /// Whether this library has device discovery, plugin providers and the selection policy.
    public var hasDeviceAPI: Bool { Self.isAtLeast(version, major: 1, minor: Int(AIGW_ORT_DEVICE_API_MINOR)) }

    /// Why device discovery is unavailable, or nil when it is there.
    public var deviceAPIUnavailableReason: String? {
        hasDeviceAPI ? nil
            : "device discovery needs ONNX Runtime \(Self.deviceAPIVersion) or later; this is \(version)"
    }

    /// A function of the table at `slot`, past the declared struct; nil when this library is older than
    /// 1.`minimumMinor` (by default the device API's release).
    fileprivate func slot<T>(_ index: Int32, as type: T.Type, minimumMinor: Int32 = AIGW_ORT_DEVICE_API_MINOR) -> T? {
        guard Self.isAtLeast(version, major: 1, minor: Int(max(minimumMinor, AIGW_ORT_DEVICE_API_MINOR))) else {
            return nil
        }
        let offset = Int(index) * MemoryLayout<UnsafeRawPointer>.stride
        guard let pointer = table.load(fromByteOffset: offset, as: UnsafeRawPointer?.self) else { return nil }
        return unsafeBitCast(pointer, to: type)
    }

    /// Every execution provider / device pair ONNX Runtime reports (plugin providers included once registered).
    public func epDevices() throws -> [EpDevice] {
        guard let getDevices = slot(AIGW_ORT_SLOT_GET_EP_DEVICES, as: AIGWOrtGetEpDevicesFn.self),
              let epName = slot(AIGW_ORT_SLOT_EP_DEVICE_EP_NAME, as: AIGWOrtEpDeviceStringFn.self),
              let epVendor = slot(AIGW_ORT_SLOT_EP_DEVICE_EP_VENDOR, as: AIGWOrtEpDeviceStringFn.self),
              let epMetadata = slot(AIGW_ORT_SLOT_EP_DEVICE_EP_METADATA, as: AIGWOrtEpDeviceMetadataFn.self),
              let epDevice = slot(AIGW_ORT_SLOT_EP_DEVICE_DEVICE, as: AIGWOrtEpDeviceDeviceFn.self),
              let deviceType = slot(AIGW_ORT_SLOT_HARDWARE_DEVICE_TYPE, as: AIGWOrtHardwareDeviceTypeFn.self),
              let vendorID = slot(AIGW_ORT_SLOT_HARDWARE_DEVICE_VENDOR_ID, as: AIGWOrtHardwareDeviceNumberFn.self),
              let vendor = slot(AIGW_ORT_SLOT_HARDWARE_DEVICE_VENDOR, as: AIGWOrtHardwareDeviceStringFn.self),
              let deviceID = slot(AIGW_ORT_SLOT_HARDWARE_DEVICE_DEVICE_ID, as: AIGWOrtHardwareDeviceNumberFn.self),
              let deviceMetadata = slot(AIGW_ORT_SLOT_HARDWARE_DEVICE_METADATA,
                                        as: AIGWOrtHardwareDeviceMetadataFn.self),
              let pairs = slot(AIGW_ORT_SLOT_GET_KEY_VALUE_PAIRS, as: AIGWOrtGetKeyValuePairsFn.self)
        else {
            throw OrtError(.libraryUnavailable, deviceAPIUnavailableReason ?? "device discovery is unavailable")
        }
        func dictionary(_ pointer: OpaquePointer?) -> [String: String] {
            guard let pointer else { return [:] }
            var keys: UnsafePointer<UnsafePointer<CChar>?>?
            var values: UnsafePointer<UnsafePointer<CChar>?>?
            var count = 0
            pairs(pointer, &keys, &values, &count)
            var result: [String: String] = [:]
            for index in 0..<count {
                guard let key = keys?[index], let value = values?[index] else { continue }
                result[String(cString: key)] = String(cString: value)
            }
            return result
        }
        var list: UnsafePointer<OpaquePointer?>?
        var count = 0
        try check(getDevices(environment, &list, &count))
        return (0..<count).compactMap { index -> EpDevice? in
            guard let device = list?[index] else { return nil }
            let hardware = epDevice(device)
            let typeName: String
            switch hardware.map(deviceType) {
            case 0?: typeName = "CPU"
            case 1?: typeName = "GPU"
            case 2?: typeName = "NPU"
            default: typeName = "unknown"
            }
            return EpDevice(
                provider: epName(device).map { String(cString: $0) } ?? "",
                providerVendor: epVendor(device).map { String(cString: $0) } ?? "",
                type: typeName,
                vendor: hardware.flatMap(vendor).map { String(cString: $0) } ?? "",
                vendorID: hardware.map(vendorID) ?? 0,
                deviceID: hardware.map(deviceID) ?? 0,
                metadata: dictionary(hardware.flatMap(deviceMetadata)),
                providerMetadata: dictionary(epMetadata(device)))
        }
    }

    /// Appends the provider ONNX Runtime names `provider` to `options` for every device it reported for it (a plugin
    /// provider, which `SessionOptionsAppendExecutionProvider` does not know by name), with `options`' keys and
    /// values. Throws "not in this ONNX Runtime build" when no device was reported for it.
    func appendPluginProvider(_ provider: String, to sessionOptions: OpaquePointer, keys: [String], values: [String])
        throws
    {
        guard let getDevices = slot(AIGW_ORT_SLOT_GET_EP_DEVICES, as: AIGWOrtGetEpDevicesFn.self),
              let epName = slot(AIGW_ORT_SLOT_EP_DEVICE_EP_NAME, as: AIGWOrtEpDeviceStringFn.self),
              let append = slot(AIGW_ORT_SLOT_APPEND_EXECUTION_PROVIDER_V2, as: AIGWOrtAppendExecutionProviderV2Fn.self)
        else {
            throw OrtError(.invalidArgument, deviceAPIUnavailableReason ?? "plugin providers are unavailable")
        }
        var list: UnsafePointer<OpaquePointer?>?
        var count = 0
        try check(getDevices(environment, &list, &count))
        let devices: [OpaquePointer] = (0..<count).compactMap { index in
            guard let device = list?[index], let name = epName(device), String(cString: name) == provider else {
                return nil
            }
            return device
        }
        guard !devices.isEmpty else {
            // The same words as for a runtime without plugins: nothing registered offers this provider.
            throw OrtError(.invalidArgument, "not in this ONNX Runtime build")
        }
        try withCStrings(keys) { keyPointers in
            try withCStrings(values) { valuePointers in
                try devices.withUnsafeBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    try check(append(sessionOptions, environment, base, devices.count, keyPointers, valuePointers,
                                     keys.count))
                }
            }
        }
    }

    /// Registers a plugin execution-provider library under `name`; its providers then take part in discovery.
    /// Throws with ONNX Runtime's reason (a file that is not an EP library, a missing file) or when this ONNX
    /// Runtime is too old.
    public func registerProviderLibrary(name: String, path: String) throws {
        guard let register = slot(AIGW_ORT_SLOT_REGISTER_EP_LIBRARY, as: AIGWOrtRegisterEpLibraryFn.self) else {
            throw OrtError(.libraryUnavailable, "plugin execution providers need ONNX Runtime \(Self.deviceAPIVersion) "
                               + "or later; this is \(version)")
        }
        try check(register(environment, name, path))
    }
}

extension OrtRuntime {
    /// Whether this library can apply a selection policy and tell which provider each node went to (1.24+).
    public var hasSelectionPolicy: Bool {
        Self.isAtLeast(version, major: 1, minor: Int(AIGW_ORT_ASSIGNMENT_API_MINOR))
    }

    /// A slot of the 1.24 additions; nil when this library is older.
    private func assignmentSlot<T>(_ index: Int32, as type: T.Type) -> T? {
        slot(index, as: type, minimumMinor: AIGW_ORT_ASSIGNMENT_API_MINOR)
    }

    /// Sets `policy` on session options and asks the session to record where each node runs.
    func applyPolicy(_ policy: ProviderPolicy, to options: OpaquePointer) throws {
        guard let set = assignmentSlot(AIGW_ORT_SLOT_SET_EP_SELECTION_POLICY, as: AIGWOrtSetEpSelectionPolicyFn.self)
        else {
            throw OrtError(.invalidArgument, "provider_policy needs ONNX Runtime \(ProviderPolicy.minimumVersion) or "
                               + "later; this is \(version)")
        }
        try check(api.AddSessionConfigEntry(options, "session.record_ep_graph_assignment_info", "1"))
        try check(set(options, policy.onnxRuntimeValue))
    }

    /// How many nodes of `session` each execution provider runs (needs the record entry set by `applyPolicy`).
    func nodesPerProvider(_ session: OpaquePointer) throws -> [String: Int] {
        guard let info = assignmentSlot(AIGW_ORT_SLOT_SESSION_GET_EP_GRAPH_ASSIGNMENT_INFO,
                                        as: AIGWOrtGetEpGraphAssignmentInfoFn.self),
              let epName = assignmentSlot(AIGW_ORT_SLOT_EP_ASSIGNED_SUBGRAPH_GET_EP_NAME,
                                          as: AIGWOrtEpAssignedSubgraphGetEpNameFn.self),
              let nodes = assignmentSlot(AIGW_ORT_SLOT_EP_ASSIGNED_SUBGRAPH_GET_NODES,
                                         as: AIGWOrtEpAssignedSubgraphGetNodesFn.self)
        else { return [:] }
        var subgraphs: UnsafePointer<OpaquePointer?>?
        var count = 0
        try check(info(session, &subgraphs, &count))
        guard let subgraphs else { return [:] }
        var counts: [String: Int] = [:]
        for index in 0..<count {
            guard let subgraph = subgraphs[index] else { continue }
            var name: UnsafePointer<CChar>?
            try check(epName(subgraph, &name))
            var nodeArray: UnsafePointer<OpaquePointer?>?
            var nodeCount = 0
            try check(nodes(subgraph, &nodeArray, &nodeCount))
            let provider = name.map { String(cString: $0) } ?? ""
            counts[provider, default: 0] += nodeCount
        }
        return counts
    }
}
