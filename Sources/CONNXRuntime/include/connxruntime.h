// The project's own declarations of the parts of the ONNX Runtime C API, the onnxruntime-genai C API, the
// onnxruntime-extensions tokenizer C API and the llguidance C API that ai-gateway calls. Written from the facts of
// the upstream headers (microsoft/onnxruntime include/onnxruntime/core/session/onnxruntime_c_api.h,
// microsoft/onnxruntime-genai src/ort_genai_c.h, microsoft/onnxruntime-extensions include/ortx_tokenizer.h and
// include/ortx_utils.h, guidance-ai/llguidance parser/llguidance.h); no upstream file is copied. All four libraries
// are opened with dlopen at run time, so nothing here is linked.
//
// OrtApi is a table of function pointers whose order is fixed and only ever appended to. Slots 0...216 are
// declared in upstream order; slots the gateway does not call are untyped padding named after the upstream slot,
// so the offsets of the typed ones stay right. The table is requested with GetApi(AIGW_ORT_API_VERSION), which
// every ONNX Runtime from 1.AIGW_ORT_API_VERSION on serves with at least these slots.
#ifndef AIGW_CONNXRUNTIME_H
#define AIGW_CONNXRUNTIME_H

#include <stddef.h>
#include <stdint.h>

// Function-pointer fields are marked _Nonnull so that Swift calls them directly; parameters keep C's defaults.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-completeness"

#define AIGW_ORT_API_VERSION 20

// MARK: - ONNX Runtime: opaque handles

typedef struct OrtEnv OrtEnv;
typedef struct OrtStatus OrtStatus;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtSession OrtSession;
typedef struct OrtValue OrtValue;
typedef struct OrtRunOptions OrtRunOptions;
typedef struct OrtIoBinding OrtIoBinding;
typedef struct OrtTypeInfo OrtTypeInfo;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtAllocator OrtAllocator;
typedef struct OrtCUDAProviderOptionsV2 OrtCUDAProviderOptionsV2;
typedef struct OrtTensorRTProviderOptionsV2 OrtTensorRTProviderOptionsV2;

// MARK: - ONNX Runtime: enums (values as upstream)

typedef enum ONNXTensorElementDataType {
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED = 0,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT = 1,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 = 2,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 = 3,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 = 4,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 = 5,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 = 6,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 = 7,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING = 8,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL = 9,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 = 10,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE = 11,
} ONNXTensorElementDataType;

typedef enum AIGWGraphOptimizationLevel {
    ORT_DISABLE_ALL = 0,
    ORT_ENABLE_BASIC = 1,
    ORT_ENABLE_EXTENDED = 2,
    ORT_ENABLE_ALL = 99,
} AIGWGraphOptimizationLevel;

typedef enum OrtLoggingLevel {
    ORT_LOGGING_LEVEL_VERBOSE = 0,
    ORT_LOGGING_LEVEL_INFO = 1,
    ORT_LOGGING_LEVEL_WARNING = 2,
    ORT_LOGGING_LEVEL_ERROR = 3,
    ORT_LOGGING_LEVEL_FATAL = 4,
} OrtLoggingLevel;

typedef enum OrtErrorCode {
    ORT_OK = 0,
    ORT_FAIL = 1,
    ORT_INVALID_ARGUMENT = 2,
    ORT_NO_SUCHFILE = 3,
    ORT_NO_MODEL = 4,
    ORT_ENGINE_ERROR = 5,
    ORT_RUNTIME_EXCEPTION = 6,
    ORT_INVALID_PROTOBUF = 7,
    ORT_MODEL_LOADED = 8,
    ORT_NOT_IMPLEMENTED = 9,
    ORT_INVALID_GRAPH = 10,
    ORT_EP_FAIL = 11,
} OrtErrorCode;

typedef enum OrtAllocatorType {
    OrtInvalidAllocator = -1,
    OrtDeviceAllocator = 0,
    OrtArenaAllocator = 1,
} OrtAllocatorType;

typedef enum OrtMemType {
    OrtMemTypeCPUInput = -2,
    OrtMemTypeCPUOutput = -1,
    OrtMemTypeDefault = 0,
} OrtMemType;

// MARK: - ONNX Runtime: the function table

typedef struct OrtApi {
    /*   0 */ OrtStatus* (* _Nonnull CreateStatus)(OrtErrorCode code, const char* msg);
    /*   1 */ OrtErrorCode (* _Nonnull GetErrorCode)(const OrtStatus* status);
    /*   2 */ const char* (* _Nonnull GetErrorMessage)(const OrtStatus* status);
    /*   3 */ OrtStatus* (* _Nonnull CreateEnv)(OrtLoggingLevel log_severity_level, const char* logid, OrtEnv** out);
    /*   4 */ void *_Nullable slot4_CreateEnvWithCustomLogger;
    /*   5 */ void *_Nullable slot5_EnableTelemetryEvents;
    /*   6 */ void *_Nullable slot6_DisableTelemetryEvents;
    /*   7 */ OrtStatus* (* _Nonnull CreateSession)(
        const OrtEnv* env, const char* model_path, const OrtSessionOptions* options, OrtSession** out);
    /*   8 */ void *_Nullable slot8_CreateSessionFromArray;
    /*   9 */ OrtStatus* (* _Nonnull Run)(
        OrtSession* session, const OrtRunOptions* run_options, const char* const* input_names,
        const OrtValue* const* inputs, size_t input_len, const char* const* output_names, size_t output_names_len,
        OrtValue** outputs);
    /*  10 */ OrtStatus* (* _Nonnull CreateSessionOptions)(OrtSessionOptions** options);
    /*  11 */ void *_Nullable slot11_SetOptimizedModelFilePath;
    /*  12 */ void *_Nullable slot12_CloneSessionOptions;
    /*  13 */ void *_Nullable slot13_SetSessionExecutionMode;
    /*  14 */ void *_Nullable slot14_EnableProfiling;
    /*  15 */ void *_Nullable slot15_DisableProfiling;
    /*  16 */ void *_Nullable slot16_EnableMemPattern;
    /*  17 */ void *_Nullable slot17_DisableMemPattern;
    /*  18 */ void *_Nullable slot18_EnableCpuMemArena;
    /*  19 */ void *_Nullable slot19_DisableCpuMemArena;
    /*  20 */ void *_Nullable slot20_SetSessionLogId;
    /*  21 */ void *_Nullable slot21_SetSessionLogVerbosityLevel;
    /*  22 */ void *_Nullable slot22_SetSessionLogSeverityLevel;
    /*  23 */ OrtStatus* (* _Nonnull SetSessionGraphOptimizationLevel)(
        OrtSessionOptions* options, AIGWGraphOptimizationLevel graph_optimization_level);
    /*  24 */ OrtStatus* (* _Nonnull SetIntraOpNumThreads)(OrtSessionOptions* options, int intra_op_num_threads);
    /*  25 */ OrtStatus* (* _Nonnull SetInterOpNumThreads)(OrtSessionOptions* options, int inter_op_num_threads);
    /*  26 */ void *_Nullable slot26_CreateCustomOpDomain;
    /*  27 */ void *_Nullable slot27_CustomOpDomain_Add;
    /*  28 */ void *_Nullable slot28_AddCustomOpDomain;
    /*  29 */ void *_Nullable slot29_RegisterCustomOpsLibrary;
    /*  30 */ OrtStatus* (* _Nonnull SessionGetInputCount)(const OrtSession* session, size_t* out);
    /*  31 */ OrtStatus* (* _Nonnull SessionGetOutputCount)(const OrtSession* session, size_t* out);
    /*  32 */ void *_Nullable slot32_SessionGetOverridableInitializerCount;
    /*  33 */ OrtStatus* (* _Nonnull SessionGetInputTypeInfo)(
        const OrtSession* session, size_t index, OrtTypeInfo** type_info);
    /*  34 */ OrtStatus* (* _Nonnull SessionGetOutputTypeInfo)(
        const OrtSession* session, size_t index, OrtTypeInfo** type_info);
    /*  35 */ void *_Nullable slot35_SessionGetOverridableInitializerTypeInfo;
    /*  36 */ OrtStatus* (* _Nonnull SessionGetInputName)(
        const OrtSession* session, size_t index, OrtAllocator* allocator, char** value);
    /*  37 */ OrtStatus* (* _Nonnull SessionGetOutputName)(
        const OrtSession* session, size_t index, OrtAllocator* allocator, char** value);
    /*  38 */ void *_Nullable slot38_SessionGetOverridableInitializerName;
    /*  39 */ void *_Nullable slot39_CreateRunOptions;
    /*  40 */ void *_Nullable slot40_RunOptionsSetRunLogVerbosityLevel;
    /*  41 */ void *_Nullable slot41_RunOptionsSetRunLogSeverityLevel;
    /*  42 */ void *_Nullable slot42_RunOptionsSetRunTag;
    /*  43 */ void *_Nullable slot43_RunOptionsGetRunLogVerbosityLevel;
    /*  44 */ void *_Nullable slot44_RunOptionsGetRunLogSeverityLevel;
    /*  45 */ void *_Nullable slot45_RunOptionsGetRunTag;
    /*  46 */ void *_Nullable slot46_RunOptionsSetTerminate;
    /*  47 */ void *_Nullable slot47_RunOptionsUnsetTerminate;
    /*  48 */ OrtStatus* (* _Nonnull CreateTensorAsOrtValue)(
        OrtAllocator* allocator, const int64_t* shape, size_t shape_len, ONNXTensorElementDataType type,
        OrtValue** out);
    /*  49 */ OrtStatus* (* _Nonnull CreateTensorWithDataAsOrtValue)(
        const OrtMemoryInfo* info, void* p_data, size_t p_data_len, const int64_t* shape, size_t shape_len,
        ONNXTensorElementDataType type, OrtValue** out);
    /*  50 */ void *_Nullable slot50_IsTensor;
    /*  51 */ OrtStatus* (* _Nonnull GetTensorMutableData)(OrtValue* value, void** out);
    /*  52 */ void *_Nullable slot52_FillStringTensor;
    /*  53 */ void *_Nullable slot53_GetStringTensorDataLength;
    /*  54 */ void *_Nullable slot54_GetStringTensorContent;
    /*  55 */ OrtStatus* (* _Nonnull CastTypeInfoToTensorInfo)(
        const OrtTypeInfo* type_info, const OrtTensorTypeAndShapeInfo** out);
    /*  56 */ void *_Nullable slot56_GetOnnxTypeFromTypeInfo;
    /*  57 */ void *_Nullable slot57_CreateTensorTypeAndShapeInfo;
    /*  58 */ void *_Nullable slot58_SetTensorElementType;
    /*  59 */ void *_Nullable slot59_SetDimensions;
    /*  60 */ OrtStatus* (* _Nonnull GetTensorElementType)(
        const OrtTensorTypeAndShapeInfo* info, ONNXTensorElementDataType* out);
    /*  61 */ OrtStatus* (* _Nonnull GetDimensionsCount)(const OrtTensorTypeAndShapeInfo* info, size_t* out);
    /*  62 */ OrtStatus* (* _Nonnull GetDimensions)(
        const OrtTensorTypeAndShapeInfo* info, int64_t* dim_values, size_t dim_values_length);
    /*  63 */ OrtStatus* (* _Nonnull GetSymbolicDimensions)(
        const OrtTensorTypeAndShapeInfo* info, const char* dim_params[], size_t dim_params_length);
    /*  64 */ OrtStatus* (* _Nonnull GetTensorShapeElementCount)(const OrtTensorTypeAndShapeInfo* info, size_t* out);
    /*  65 */ OrtStatus* (* _Nonnull GetTensorTypeAndShape)(const OrtValue* value, OrtTensorTypeAndShapeInfo** out);
    /*  66 */ void *_Nullable slot66_GetTypeInfo;
    /*  67 */ void *_Nullable slot67_GetValueType;
    /*  68 */ void *_Nullable slot68_CreateMemoryInfo;
    /*  69 */ OrtStatus* (* _Nonnull CreateCpuMemoryInfo)(
        OrtAllocatorType type, OrtMemType mem_type, OrtMemoryInfo** out);
    /*  70 */ void *_Nullable slot70_CompareMemoryInfo;
    /*  71 */ void *_Nullable slot71_MemoryInfoGetName;
    /*  72 */ void *_Nullable slot72_MemoryInfoGetId;
    /*  73 */ void *_Nullable slot73_MemoryInfoGetMemType;
    /*  74 */ void *_Nullable slot74_MemoryInfoGetType;
    /*  75 */ void *_Nullable slot75_AllocatorAlloc;
    /*  76 */ OrtStatus* (* _Nonnull AllocatorFree)(OrtAllocator* ort_allocator, void* p);
    /*  77 */ void *_Nullable slot77_AllocatorGetInfo;
    /*  78 */ OrtStatus* (* _Nonnull GetAllocatorWithDefaultOptions)(OrtAllocator** out);
    /*  79 */ void *_Nullable slot79_AddFreeDimensionOverride;
    /*  80 */ void *_Nullable slot80_GetValue;
    /*  81 */ void *_Nullable slot81_GetValueCount;
    /*  82 */ void *_Nullable slot82_CreateValue;
    /*  83 */ void *_Nullable slot83_CreateOpaqueValue;
    /*  84 */ void *_Nullable slot84_GetOpaqueValue;
    /*  85 */ void *_Nullable slot85_KernelInfoGetAttribute_float;
    /*  86 */ void *_Nullable slot86_KernelInfoGetAttribute_int64;
    /*  87 */ void *_Nullable slot87_KernelInfoGetAttribute_string;
    /*  88 */ void *_Nullable slot88_KernelContext_GetInputCount;
    /*  89 */ void *_Nullable slot89_KernelContext_GetOutputCount;
    /*  90 */ void *_Nullable slot90_KernelContext_GetInput;
    /*  91 */ void *_Nullable slot91_KernelContext_GetOutput;
    /*  92 */ void (* _Nonnull ReleaseEnv)(OrtEnv* input);
    /*  93 */ void (* _Nonnull ReleaseStatus)(OrtStatus* input);
    /*  94 */ void (* _Nonnull ReleaseMemoryInfo)(OrtMemoryInfo* input);
    /*  95 */ void (* _Nonnull ReleaseSession)(OrtSession* input);
    /*  96 */ void (* _Nonnull ReleaseValue)(OrtValue* input);
    /*  97 */ void *_Nullable slot97_ReleaseRunOptions;
    /*  98 */ void (* _Nonnull ReleaseTypeInfo)(OrtTypeInfo* input);
    /*  99 */ void (* _Nonnull ReleaseTensorTypeAndShapeInfo)(OrtTensorTypeAndShapeInfo* input);
    /* 100 */ void (* _Nonnull ReleaseSessionOptions)(OrtSessionOptions* input);
    /* 101 */ void *_Nullable slot101_ReleaseCustomOpDomain;
    /* 102 */ void *_Nullable slot102_GetDenotationFromTypeInfo;
    /* 103 */ void *_Nullable slot103_CastTypeInfoToMapTypeInfo;
    /* 104 */ void *_Nullable slot104_CastTypeInfoToSequenceTypeInfo;
    /* 105 */ void *_Nullable slot105_GetMapKeyType;
    /* 106 */ void *_Nullable slot106_GetMapValueType;
    /* 107 */ void *_Nullable slot107_GetSequenceElementType;
    /* 108 */ void *_Nullable slot108_ReleaseMapTypeInfo;
    /* 109 */ void *_Nullable slot109_ReleaseSequenceTypeInfo;
    /* 110 */ void *_Nullable slot110_SessionEndProfiling;
    /* 111 */ void *_Nullable slot111_SessionGetModelMetadata;
    /* 112 */ void *_Nullable slot112_ModelMetadataGetProducerName;
    /* 113 */ void *_Nullable slot113_ModelMetadataGetGraphName;
    /* 114 */ void *_Nullable slot114_ModelMetadataGetDomain;
    /* 115 */ void *_Nullable slot115_ModelMetadataGetDescription;
    /* 116 */ void *_Nullable slot116_ModelMetadataLookupCustomMetadataMap;
    /* 117 */ void *_Nullable slot117_ModelMetadataGetVersion;
    /* 118 */ void *_Nullable slot118_ReleaseModelMetadata;
    /* 119 */ void *_Nullable slot119_CreateEnvWithGlobalThreadPools;
    /* 120 */ void *_Nullable slot120_DisablePerSessionThreads;
    /* 121 */ void *_Nullable slot121_CreateThreadingOptions;
    /* 122 */ void *_Nullable slot122_ReleaseThreadingOptions;
    /* 123 */ void *_Nullable slot123_ModelMetadataGetCustomMetadataMapKeys;
    /* 124 */ void *_Nullable slot124_AddFreeDimensionOverrideByName;
    /* 125 */ OrtStatus* (* _Nonnull GetAvailableProviders)(char*** out_ptr, int* provider_length);
    /* 126 */ OrtStatus* (* _Nonnull ReleaseAvailableProviders)(char** ptr, int providers_length);
    /* 127 */ void *_Nullable slot127_GetStringTensorElementLength;
    /* 128 */ void *_Nullable slot128_GetStringTensorElement;
    /* 129 */ void *_Nullable slot129_FillStringTensorElement;
    /* 130 */ OrtStatus* (* _Nonnull AddSessionConfigEntry)(
        OrtSessionOptions* options, const char* config_key, const char* config_value);
    /* 131 */ void *_Nullable slot131_CreateAllocator;
    /* 132 */ void *_Nullable slot132_ReleaseAllocator;
    /* 133 */ OrtStatus* (* _Nonnull RunWithBinding)(
        OrtSession* session, const OrtRunOptions* run_options, const OrtIoBinding* binding);
    /* 134 */ OrtStatus* (* _Nonnull CreateIoBinding)(OrtSession* session, OrtIoBinding** out);
    /* 135 */ void (* _Nonnull ReleaseIoBinding)(OrtIoBinding* input);
    /* 136 */ OrtStatus* (* _Nonnull BindInput)(OrtIoBinding* binding, const char* name, const OrtValue* value);
    /* 137 */ OrtStatus* (* _Nonnull BindOutput)(OrtIoBinding* binding, const char* name, const OrtValue* value);
    /* 138 */ void *_Nullable slot138_BindOutputToDevice;
    /* 139 */ void *_Nullable slot139_GetBoundOutputNames;
    /* 140 */ void *_Nullable slot140_GetBoundOutputValues;
    /* 141 */ void *_Nullable slot141_ClearBoundInputs;
    /* 142 */ void *_Nullable slot142_ClearBoundOutputs;
    /* 143 */ void *_Nullable slot143_TensorAt;
    /* 144 */ void *_Nullable slot144_CreateAndRegisterAllocator;
    /* 145 */ void *_Nullable slot145_SetLanguageProjection;
    /* 146 */ void *_Nullable slot146_SessionGetProfilingStartTimeNs;
    /* 147 */ void *_Nullable slot147_SetGlobalIntraOpNumThreads;
    /* 148 */ void *_Nullable slot148_SetGlobalInterOpNumThreads;
    /* 149 */ void *_Nullable slot149_SetGlobalSpinControl;
    /* 150 */ void *_Nullable slot150_AddInitializer;
    /* 151 */ void *_Nullable slot151_CreateEnvWithCustomLoggerAndGlobalThreadPools;
    /* 152 */ void *_Nullable slot152_SessionOptionsAppendExecutionProvider_CUDA;
    /* 153 */ void *_Nullable slot153_SessionOptionsAppendExecutionProvider_ROCM;
    /* 154 */ void *_Nullable slot154_SessionOptionsAppendExecutionProvider_OpenVINO;
    /* 155 */ void *_Nullable slot155_SetGlobalDenormalAsZero;
    /* 156 */ void *_Nullable slot156_CreateArenaCfg;
    /* 157 */ void *_Nullable slot157_ReleaseArenaCfg;
    /* 158 */ void *_Nullable slot158_ModelMetadataGetGraphDescription;
    /* 159 */ void *_Nullable slot159_SessionOptionsAppendExecutionProvider_TensorRT;
    /* 160 */ void *_Nullable slot160_SetCurrentGpuDeviceId;
    /* 161 */ void *_Nullable slot161_GetCurrentGpuDeviceId;
    /* 162 */ void *_Nullable slot162_KernelInfoGetAttributeArray_float;
    /* 163 */ void *_Nullable slot163_KernelInfoGetAttributeArray_int64;
    /* 164 */ void *_Nullable slot164_CreateArenaCfgV2;
    /* 165 */ void *_Nullable slot165_AddRunConfigEntry;
    /* 166 */ void *_Nullable slot166_CreatePrepackedWeightsContainer;
    /* 167 */ void *_Nullable slot167_ReleasePrepackedWeightsContainer;
    /* 168 */ void *_Nullable slot168_CreateSessionWithPrepackedWeightsContainer;
    /* 169 */ void *_Nullable slot169_CreateSessionFromArrayWithPrepackedWeightsContainer;
    /* 170 */ OrtStatus* (* _Nonnull SessionOptionsAppendExecutionProvider_TensorRT_V2)(
        OrtSessionOptions* options, const OrtTensorRTProviderOptionsV2* tensorrt_options);
    /* 171 */ OrtStatus* (* _Nonnull CreateTensorRTProviderOptions)(OrtTensorRTProviderOptionsV2** out);
    /* 172 */ OrtStatus* (* _Nonnull UpdateTensorRTProviderOptions)(
        OrtTensorRTProviderOptionsV2* tensorrt_options, const char* const* provider_options_keys,
        const char* const* provider_options_values, size_t num_keys);
    /* 173 */ void *_Nullable slot173_GetTensorRTProviderOptionsAsString;
    /* 174 */ void (* _Nonnull ReleaseTensorRTProviderOptions)(OrtTensorRTProviderOptionsV2* input);
    /* 175 */ void *_Nullable slot175_EnableOrtCustomOps;
    /* 176 */ void *_Nullable slot176_RegisterAllocator;
    /* 177 */ void *_Nullable slot177_UnregisterAllocator;
    /* 178 */ void *_Nullable slot178_IsSparseTensor;
    /* 179 */ void *_Nullable slot179_CreateSparseTensorAsOrtValue;
    /* 180 */ void *_Nullable slot180_FillSparseTensorCoo;
    /* 181 */ void *_Nullable slot181_FillSparseTensorCsr;
    /* 182 */ void *_Nullable slot182_FillSparseTensorBlockSparse;
    /* 183 */ void *_Nullable slot183_CreateSparseTensorWithValuesAsOrtValue;
    /* 184 */ void *_Nullable slot184_UseCooIndices;
    /* 185 */ void *_Nullable slot185_UseCsrIndices;
    /* 186 */ void *_Nullable slot186_UseBlockSparseIndices;
    /* 187 */ void *_Nullable slot187_GetSparseTensorFormat;
    /* 188 */ void *_Nullable slot188_GetSparseTensorValuesTypeAndShape;
    /* 189 */ void *_Nullable slot189_GetSparseTensorValues;
    /* 190 */ void *_Nullable slot190_GetSparseTensorIndicesTypeShape;
    /* 191 */ void *_Nullable slot191_GetSparseTensorIndices;
    /* 192 */ void *_Nullable slot192_HasValue;
    /* 193 */ void *_Nullable slot193_KernelContext_GetGPUComputeStream;
    /* 194 */ void *_Nullable slot194_GetTensorMemoryInfo;
    /* 195 */ void *_Nullable slot195_GetExecutionProviderApi;
    /* 196 */ void *_Nullable slot196_SessionOptionsSetCustomCreateThreadFn;
    /* 197 */ void *_Nullable slot197_SessionOptionsSetCustomThreadCreationOptions;
    /* 198 */ void *_Nullable slot198_SessionOptionsSetCustomJoinThreadFn;
    /* 199 */ void *_Nullable slot199_SetGlobalCustomCreateThreadFn;
    /* 200 */ void *_Nullable slot200_SetGlobalCustomThreadCreationOptions;
    /* 201 */ void *_Nullable slot201_SetGlobalCustomJoinThreadFn;
    /* 202 */ void *_Nullable slot202_SynchronizeBoundInputs;
    /* 203 */ void *_Nullable slot203_SynchronizeBoundOutputs;
    /* 204 */ OrtStatus* (* _Nonnull SessionOptionsAppendExecutionProvider_CUDA_V2)(
        OrtSessionOptions* options, const OrtCUDAProviderOptionsV2* cuda_options);
    /* 205 */ OrtStatus* (* _Nonnull CreateCUDAProviderOptions)(OrtCUDAProviderOptionsV2** out);
    /* 206 */ OrtStatus* (* _Nonnull UpdateCUDAProviderOptions)(
        OrtCUDAProviderOptionsV2* cuda_options, const char* const* provider_options_keys,
        const char* const* provider_options_values, size_t num_keys);
    /* 207 */ void *_Nullable slot207_GetCUDAProviderOptionsAsString;
    /* 208 */ void (* _Nonnull ReleaseCUDAProviderOptions)(OrtCUDAProviderOptionsV2* input);
    /* 209 */ void *_Nullable slot209_SessionOptionsAppendExecutionProvider_MIGraphX;
    /* 210 */ void *_Nullable slot210_AddExternalInitializers;
    /* 211 */ void *_Nullable slot211_CreateOpAttr;
    /* 212 */ void *_Nullable slot212_ReleaseOpAttr;
    /* 213 */ void *_Nullable slot213_CreateOp;
    /* 214 */ void *_Nullable slot214_InvokeOp;
    /* 215 */ void *_Nullable slot215_ReleaseOp;
    /* 216 */ OrtStatus* (* _Nonnull SessionOptionsAppendExecutionProvider)(
        OrtSessionOptions* options, const char* provider_name, const char* const* provider_options_keys,
        const char* const* provider_options_values, size_t num_keys);
    // Later slots exist in newer releases; the gateway does not reach past slot 216.
} OrtApi;

// Device discovery and plugin execution providers (ONNX Runtime 1.22 and later). These slots lie past the part of
// the table declared above; they are read by index, and only from a library whose version says it has them.
typedef struct OrtEpDevice OrtEpDevice;
typedef struct OrtHardwareDevice OrtHardwareDevice;
typedef struct OrtKeyValuePairs OrtKeyValuePairs;

#define AIGW_ORT_DEVICE_API_MINOR 22
#define AIGW_ORT_SLOT_GET_KEY_VALUE_PAIRS 298
#define AIGW_ORT_SLOT_REGISTER_EP_LIBRARY 301
#define AIGW_ORT_SLOT_UNREGISTER_EP_LIBRARY 302
#define AIGW_ORT_SLOT_GET_EP_DEVICES 303
#define AIGW_ORT_SLOT_HARDWARE_DEVICE_TYPE 307
#define AIGW_ORT_SLOT_HARDWARE_DEVICE_VENDOR_ID 308
#define AIGW_ORT_SLOT_HARDWARE_DEVICE_VENDOR 309
#define AIGW_ORT_SLOT_HARDWARE_DEVICE_DEVICE_ID 310
#define AIGW_ORT_SLOT_HARDWARE_DEVICE_METADATA 311
#define AIGW_ORT_SLOT_EP_DEVICE_EP_NAME 312
#define AIGW_ORT_SLOT_EP_DEVICE_EP_VENDOR 313
#define AIGW_ORT_SLOT_EP_DEVICE_EP_METADATA 314
#define AIGW_ORT_SLOT_EP_DEVICE_DEVICE 316
// The selection policy (1.22): OrtExecutionProviderDevicePolicy 1 PREFER_CPU, 2 PREFER_NPU, 3 PREFER_GPU,
// 4 MAX_PERFORMANCE, 5 MAX_EFFICIENCY, 6 MIN_OVERALL_POWER.
#define AIGW_ORT_SLOT_SET_EP_SELECTION_POLICY 305
// Appends a provider for chosen devices (1.22): how plugin providers join a session (checked by calling it).
#define AIGW_ORT_SLOT_APPEND_EXECUTION_PROVIDER_V2 304
typedef OrtStatus *_Nullable (*AIGWOrtAppendExecutionProviderV2Fn)(
    OrtSessionOptions *_Nonnull options, OrtEnv *_Nonnull env, const OrtEpDevice *_Nonnull const *_Nonnull devices,
    size_t deviceCount, const char *_Nullable const *_Nullable keys, const char *_Nullable const *_Nullable values,
    size_t optionCount);
// Which provider each node was assigned to (1.24; needs the session config entry
// `session.record_ep_graph_assignment_info` = "1"). Slots checked by calling them on 1.24.1 and 1.32.0.
#define AIGW_ORT_ASSIGNMENT_API_MINOR 24
#define AIGW_ORT_SLOT_SESSION_GET_EP_GRAPH_ASSIGNMENT_INFO 407
#define AIGW_ORT_SLOT_EP_ASSIGNED_SUBGRAPH_GET_EP_NAME 408
#define AIGW_ORT_SLOT_EP_ASSIGNED_SUBGRAPH_GET_NODES 409
typedef struct OrtEpAssignedSubgraph OrtEpAssignedSubgraph;
typedef struct OrtEpAssignedNode OrtEpAssignedNode;
typedef OrtStatus *_Nullable (*AIGWOrtSetEpSelectionPolicyFn)(OrtSessionOptions *_Nonnull options, int32_t policy);
typedef OrtStatus *_Nullable (*AIGWOrtGetEpGraphAssignmentInfoFn)(
    const OrtSession *_Nonnull session,
    const OrtEpAssignedSubgraph *_Nullable const *_Nullable *_Nonnull subgraphs, size_t *_Nonnull count);
typedef OrtStatus *_Nullable (*AIGWOrtEpAssignedSubgraphGetEpNameFn)(const OrtEpAssignedSubgraph *_Nonnull subgraph,
                                                                     const char *_Nullable *_Nonnull name);
typedef OrtStatus *_Nullable (*AIGWOrtEpAssignedSubgraphGetNodesFn)(
    const OrtEpAssignedSubgraph *_Nonnull subgraph, const OrtEpAssignedNode *_Nullable const *_Nullable *_Nonnull nodes,
    size_t *_Nonnull count);

typedef void (*AIGWOrtGetKeyValuePairsFn)(const OrtKeyValuePairs *_Nonnull pairs,
                                          const char *_Nullable const *_Nullable *_Nonnull keys,
                                          const char *_Nullable const *_Nullable *_Nonnull values,
                                          size_t *_Nonnull count);
typedef OrtStatus *_Nullable (*AIGWOrtRegisterEpLibraryFn)(OrtEnv *_Nonnull env, const char *_Nonnull name,
                                                           const char *_Nonnull path);
typedef OrtStatus *_Nullable (*AIGWOrtUnregisterEpLibraryFn)(OrtEnv *_Nonnull env, const char *_Nonnull name);
typedef OrtStatus *_Nullable (*AIGWOrtGetEpDevicesFn)(const OrtEnv *_Nonnull env,
                                                      const OrtEpDevice *_Nullable const *_Nullable *_Nonnull devices,
                                                      size_t *_Nonnull count);
/// OrtHardwareDeviceType: 0 CPU, 1 GPU, 2 NPU.
typedef int32_t (*AIGWOrtHardwareDeviceTypeFn)(const OrtHardwareDevice *_Nonnull device);
typedef uint32_t (*AIGWOrtHardwareDeviceNumberFn)(const OrtHardwareDevice *_Nonnull device);
typedef const char *_Nullable (*AIGWOrtHardwareDeviceStringFn)(const OrtHardwareDevice *_Nonnull device);
typedef const OrtKeyValuePairs *_Nullable (*AIGWOrtHardwareDeviceMetadataFn)(const OrtHardwareDevice *_Nonnull device);
typedef const char *_Nullable (*AIGWOrtEpDeviceStringFn)(const OrtEpDevice *_Nonnull device);
typedef const OrtKeyValuePairs *_Nullable (*AIGWOrtEpDeviceMetadataFn)(const OrtEpDevice *_Nonnull device);
typedef const OrtHardwareDevice *_Nullable (*AIGWOrtEpDeviceDeviceFn)(const OrtEpDevice *_Nonnull device);

typedef struct OrtApiBase {
    const OrtApi *_Nullable (* _Nonnull GetApi)(uint32_t version);
    const char *_Nonnull (* _Nonnull GetVersionString)(void);
} OrtApiBase;

typedef const OrtApiBase *_Nullable (*AIGWOrtGetApiBaseFn)(void);

// MARK: - onnxruntime-genai: opaque handles and the functions called (resolved with dlsym)

#include <stdbool.h>

typedef struct OgaResult OgaResult;
typedef struct OgaConfig OgaConfig;
typedef struct OgaModel OgaModel;

typedef const char *_Nullable (*AIGWOgaResultGetErrorFn)(const OgaResult *_Nonnull result);
typedef void (*AIGWOgaDestroyResultFn)(OgaResult *_Nullable result);
typedef OgaResult *_Nullable (*AIGWOgaCreateModelFn)(const char *_Nonnull config_path, OgaModel *_Nullable *_Nonnull out);
typedef OgaResult *_Nullable (*AIGWOgaCreateConfigFn)(const char *_Nonnull config_path,
                                                      OgaConfig *_Nullable *_Nonnull out);
typedef OgaResult *_Nullable (*AIGWOgaConfigClearProvidersFn)(OgaConfig *_Nonnull config);
/// Merges a JSON document into the config, as if it had been written in genai_config.json.
typedef OgaResult *_Nullable (*AIGWOgaConfigOverlayFn)(OgaConfig *_Nonnull config, const char *_Nonnull json);
typedef OgaResult *_Nullable (*AIGWOgaConfigAppendProviderFn)(OgaConfig *_Nonnull config,
                                                              const char *_Nonnull provider);
typedef OgaResult *_Nullable (*AIGWOgaConfigSetProviderOptionFn)(OgaConfig *_Nonnull config,
                                                                 const char *_Nonnull provider,
                                                                 const char *_Nonnull key,
                                                                 const char *_Nonnull value);
typedef OgaResult *_Nullable (*AIGWOgaCreateModelFromConfigFn)(const OgaConfig *_Nonnull config,
                                                               OgaModel *_Nullable *_Nonnull out);
typedef void (*AIGWOgaDestroyConfigFn)(OgaConfig *_Nullable config);
typedef void (*AIGWOgaDestroyModelFn)(OgaModel *_Nullable model);

// Element types of an OgaTensor (values as upstream; only float32 is used).
typedef enum AIGWOgaElementType {
    AIGW_OGA_ELEMENT_TYPE_UNDEFINED = 0,
    AIGW_OGA_ELEMENT_TYPE_FLOAT32 = 1,
    AIGW_OGA_ELEMENT_TYPE_INT32 = 6,
    AIGW_OGA_ELEMENT_TYPE_INT64 = 7,
    AIGW_OGA_ELEMENT_TYPE_FLOAT16 = 10,
} AIGWOgaElementType;

typedef struct OgaSequences OgaSequences;
typedef struct OgaTokenizer OgaTokenizer;
typedef struct OgaTokenizerStream OgaTokenizerStream;
typedef struct OgaGeneratorParams OgaGeneratorParams;
typedef struct OgaGenerator OgaGenerator;
typedef struct OgaTensor OgaTensor;

// Strings the library returns to the caller (decode, chat template) are freed with OgaDestroyString.
typedef void (*AIGWOgaDestroyStringFn)(const char *_Nullable string);

// Token sequences: an array of token arrays.
typedef OgaResult *_Nullable (*AIGWOgaCreateSequencesFn)(OgaSequences *_Nullable *_Nonnull out);
typedef void (*AIGWOgaDestroySequencesFn)(OgaSequences *_Nullable sequences);
typedef size_t (*AIGWOgaSequencesCountFn)(const OgaSequences *_Nonnull sequences);
typedef OgaResult *_Nullable (*AIGWOgaAppendTokenSequenceFn)(const int32_t *_Nonnull tokens, size_t token_count,
                                                             OgaSequences *_Nonnull sequences);
typedef size_t (*AIGWOgaSequencesGetSequenceCountFn)(const OgaSequences *_Nonnull sequences, size_t index);
typedef const int32_t *_Nullable (*AIGWOgaSequencesGetSequenceDataFn)(const OgaSequences *_Nonnull sequences,
                                                                      size_t index);

// Tokenizer and its incremental decoder.
typedef OgaResult *_Nullable (*AIGWOgaCreateTokenizerFn)(const OgaModel *_Nonnull model,
                                                         OgaTokenizer *_Nullable *_Nonnull out);
typedef void (*AIGWOgaDestroyTokenizerFn)(OgaTokenizer *_Nullable tokenizer);
typedef OgaResult *_Nullable (*AIGWOgaTokenizerEncodeFn)(const OgaTokenizer *_Nonnull tokenizer,
                                                         const char *_Nonnull text, OgaSequences *_Nonnull sequences);
typedef OgaResult *_Nullable (*AIGWOgaTokenizerDecodeFn)(const OgaTokenizer *_Nonnull tokenizer,
                                                         const int32_t *_Nullable tokens, size_t token_count,
                                                         const char *_Nullable *_Nonnull out);
typedef OgaResult *_Nullable (*AIGWOgaTokenizerApplyChatTemplateFn)(const OgaTokenizer *_Nonnull tokenizer,
                                                                    const char *_Nullable template_str,
                                                                    const char *_Nonnull messages,
                                                                    const char *_Nullable tools,
                                                                    bool add_generation_prompt,
                                                                    const char *_Nullable *_Nonnull out);
typedef OgaResult *_Nullable (*AIGWOgaCreateTokenizerStreamFn)(const OgaTokenizer *_Nonnull tokenizer,
                                                               OgaTokenizerStream *_Nullable *_Nonnull out);
typedef void (*AIGWOgaDestroyTokenizerStreamFn)(OgaTokenizerStream *_Nullable stream);
// The returned chunk is owned by the stream and valid until its next call.
typedef OgaResult *_Nullable (*AIGWOgaTokenizerStreamDecodeFn)(OgaTokenizerStream *_Nonnull stream, int32_t token,
                                                               const char *_Nullable *_Nonnull out);

// Generator parameters (search options by name).
typedef OgaResult *_Nullable (*AIGWOgaCreateGeneratorParamsFn)(const OgaModel *_Nonnull model,
                                                               OgaGeneratorParams *_Nullable *_Nonnull out);
typedef void (*AIGWOgaDestroyGeneratorParamsFn)(OgaGeneratorParams *_Nullable params);
typedef OgaResult *_Nullable (*AIGWOgaGeneratorParamsSetSearchNumberFn)(OgaGeneratorParams *_Nonnull params,
                                                                        const char *_Nonnull name, double value);
typedef OgaResult *_Nullable (*AIGWOgaGeneratorParamsSetSearchBoolFn)(OgaGeneratorParams *_Nonnull params,
                                                                      const char *_Nonnull name, bool value);

// Generator: the decode loop's state (KV cache, search, logits).
typedef OgaResult *_Nullable (*AIGWOgaCreateGeneratorFn)(const OgaModel *_Nonnull model,
                                                         const OgaGeneratorParams *_Nonnull params,
                                                         OgaGenerator *_Nullable *_Nonnull out);
typedef void (*AIGWOgaDestroyGeneratorFn)(OgaGenerator *_Nullable generator);
typedef bool (*AIGWOgaGeneratorIsDoneFn)(OgaGenerator *_Nonnull generator);
typedef OgaResult *_Nullable (*AIGWOgaGeneratorAppendTokensFn)(OgaGenerator *_Nonnull generator,
                                                               const int32_t *_Nonnull tokens, size_t token_count);
typedef OgaResult *_Nullable (*AIGWOgaGeneratorAppendTokenSequencesFn)(OgaGenerator *_Nonnull generator,
                                                                       const OgaSequences *_Nonnull sequences);
typedef OgaResult *_Nullable (*AIGWOgaGeneratorGenerateNextTokenFn)(OgaGenerator *_Nonnull generator);
// The returned tokens (one per batch row) are valid until the generator's next call.
typedef OgaResult *_Nullable (*AIGWOgaGeneratorGetNextTokensFn)(const OgaGenerator *_Nonnull generator,
                                                                const int32_t *_Nullable *_Nonnull out,
                                                                size_t *_Nonnull out_count);
// Returns a CPU copy of the last step's logits, owned by the caller (OgaDestroyTensor).
typedef OgaResult *_Nullable (*AIGWOgaGeneratorGetLogitsFn)(OgaGenerator *_Nonnull generator,
                                                            OgaTensor *_Nullable *_Nonnull out);
// Copies the tensor's values over the logits the next token is chosen from.
typedef OgaResult *_Nullable (*AIGWOgaGeneratorSetLogitsFn)(OgaGenerator *_Nonnull generator,
                                                            OgaTensor *_Nonnull tensor);
typedef size_t (*AIGWOgaGeneratorTokenCountFn)(const OgaGenerator *_Nonnull generator);

// Tensors. A tensor made from a caller's buffer does not own it: the buffer must outlive the tensor.
typedef OgaResult *_Nullable (*AIGWOgaCreateTensorFromBufferFn)(void *_Nullable data,
                                                                const int64_t *_Nonnull shape_dims,
                                                                size_t shape_dims_count,
                                                                AIGWOgaElementType element_type,
                                                                OgaTensor *_Nullable *_Nonnull out);
typedef void (*AIGWOgaDestroyTensorFn)(OgaTensor *_Nullable tensor);
typedef OgaResult *_Nullable (*AIGWOgaTensorGetTypeFn)(OgaTensor *_Nonnull tensor, AIGWOgaElementType *_Nonnull out);
typedef OgaResult *_Nullable (*AIGWOgaTensorGetShapeRankFn)(OgaTensor *_Nonnull tensor, size_t *_Nonnull out);
typedef OgaResult *_Nullable (*AIGWOgaTensorGetShapeFn)(OgaTensor *_Nonnull tensor, int64_t *_Nonnull shape_dims,
                                                        size_t shape_dims_count);
typedef OgaResult *_Nullable (*AIGWOgaTensorGetDataFn)(OgaTensor *_Nonnull tensor, void *_Nullable *_Nonnull out);

// MARK: - onnxruntime-extensions: the tokenizer C API (resolved with dlsym)

// Every object the library hands out (tokenizer, token-id arrays, string arrays, detokenizer caches, tensor results
// and tensors) is an OrtxObject, freed with OrtxDisposeOnly. Calls return an extError_t: 0 is success, anything
// else is an error whose text OrtxGetLastErrorMessage returns (per thread). Token ids are uint32_t.
typedef struct OrtxObject OrtxObject;

/// extObjectKind_t of a detokenizer cache (the state of one incremental decode), for OrtxCreate.
#define AIGW_ORTX_KIND_DETOKENIZER_CACHE 0x778B
/// extDataType_t of a string tensor (the rendered chat template).
#define AIGW_ORTX_TYPE_STRING 3
/// What OrtxConvertTokenToId gives for a token the vocabulary lacks.
#define AIGW_ORTX_INVALID_TOKEN_ID 0xFFFFFFFFu

typedef const char *_Nullable (*AIGWOrtxGetLastErrorMessageFn)(void);
typedef int32_t (*AIGWOrtxDisposeOnlyFn)(OrtxObject *_Nullable object);
/// Options are "add_special_tokens" and "skip_special_tokens", each "true" or "false".
typedef int32_t (*AIGWOrtxCreateTokenizerWithOptionsFn)(OrtxObject *_Nullable *_Nonnull tokenizer,
                                                        const char *_Nonnull directory,
                                                        const char *_Nullable const *_Nullable option_keys,
                                                        const char *_Nullable const *_Nullable option_values,
                                                        size_t option_count);
// Text to ids: a batch of C strings in, a token-id 2D array (one row per string) out.
typedef int32_t (*AIGWOrtxTokenizeFn)(const OrtxObject *_Nonnull tokenizer,
                                      const char *_Nullable const *_Nonnull input, size_t batch_size,
                                      OrtxObject *_Nullable *_Nonnull output);
// The row's ids stay owned by the array.
typedef int32_t (*AIGWOrtxTokenId2DArrayGetItemFn)(const OrtxObject *_Nonnull array, size_t index,
                                                   const uint32_t *_Nullable *_Nonnull item, size_t *_Nonnull length);
typedef int32_t (*AIGWOrtxConvertTokenToIdFn)(const OrtxObject *_Nonnull tokenizer, const char *_Nonnull token,
                                              uint32_t *_Nonnull id);
// Ids to text: a string array with one string. An empty id list must not be passed (the library divides by it).
typedef int32_t (*AIGWOrtxDetokenize1DFn)(const OrtxObject *_Nonnull tokenizer, const uint32_t *_Nonnull input,
                                          size_t length, OrtxObject *_Nullable *_Nonnull output);
// The string stays owned by the array.
typedef int32_t (*AIGWOrtxStringArrayGetItemFn)(const OrtxObject *_Nonnull array, size_t index,
                                                const char *_Nullable *_Nonnull item);
// One more token of an incremental decode: the text it completes, owned by the cache until its next call.
typedef int32_t (*AIGWOrtxDetokenizeCachedFn)(const OrtxObject *_Nonnull tokenizer, OrtxObject *_Nonnull cache,
                                              uint32_t next_id, const char *_Nullable *_Nonnull text);
// Renders a chat template (template_str NULL: the tokenizer's own) on messages JSON, with tools JSON or NULL. The
// result holds the text as a string tensor at index 0 (and the ids at index 1 when tokenize is true).
typedef int32_t (*AIGWOrtxApplyChatTemplateFn)(const OrtxObject *_Nonnull tokenizer,
                                               const char *_Nullable template_str, const char *_Nonnull messages, const char *_Nullable tools,
                                               OrtxObject *_Nullable *_Nonnull output, bool add_generation_prompt,
                                               bool tokenize);
// A new tensor object (to dispose) viewing the result's tensor at index.
typedef int32_t (*AIGWOrtxTensorResultGetAtFn)(const OrtxObject *_Nonnull result, size_t index,
                                               OrtxObject *_Nullable *_Nonnull tensor);
typedef int32_t (*AIGWOrtxGetTensorTypeFn)(const OrtxObject *_Nonnull tensor, int32_t *_Nonnull type);
// For a string tensor, data is its first string as a C string.
typedef int32_t (*AIGWOrtxGetTensorDataFn)(const OrtxObject *_Nonnull tensor, const void *_Nullable *_Nullable data,
                                           const int64_t *_Nullable *_Nullable shape, size_t *_Nullable dim_count);

/// Calls OrtxCreate (`create`, its dlsym address; the function is variadic, which Swift cannot call) for a new
/// detokenizer cache.
int32_t AIGWOrtxCreateDetokenizerCache(void *_Nonnull create, OrtxObject *_Nullable *_Nonnull cache);

// MARK: - llguidance: constrained decoding (resolved with dlsym)

// Declared from llguidance 1.9.1's parser/llguidance.h (the wheel scripts/setup pins); the struct layouts are
// checked against that header's sizes and offsets in shim.c. A tokenizer (the vocabulary as bytes, shared, immutable)
// serves many matchers; a matcher is the state of one constrained sequence and must not be used from two threads at
// once. Matcher calls that return int32_t give 0 on success and -1 on error; an error is permanent and its text is
// llg_matcher_get_error's. llg_new_matcher never returns NULL: a bad grammar gives a matcher in the error state.
typedef struct LlgTokenizer LlgTokenizer;
typedef struct LlgMatcher LlgMatcher;

/// Resource limits of one parser (LlgParserLimits); llg_constraint_init_set_defaults fills them in.
typedef struct AIGWLlgParserLimits {
    size_t max_items_in_row;
    uint64_t initial_lexer_fuel;
    uint64_t step_lexer_fuel;
    size_t step_max_items;
    size_t max_lexer_states;
    size_t max_grammar_size;
    bool precompute_large_lexemes;
    bool verbose_errors;
} AIGWLlgParserLimits;

/// How to build a matcher (LlgConstraintInit): the tokenizer, log levels (0 none, 1 warnings, 2 info) for the
/// matcher's buffer and for stderr, the engine's capabilities (ignored by matchers) and the limits.
typedef struct AIGWLlgConstraintInit {
    const LlgTokenizer *_Nullable tokenizer;
    uint32_t log_buffer_level;
    uint32_t log_stderr_level;
    bool ff_tokens_ok;
    bool backtrack_ok;
    AIGWLlgParserLimits limits;
} AIGWLlgConstraintInit;

/// Canonical tokenization of some bytes (LlgTokenizeFn): writes at most output_tokens_len ids and returns how many
/// there are in all (the library calls again with room for them). Called from any thread, concurrently.
typedef size_t (*AIGWLlgTokenizeFn)(const void *_Nullable user_data, const uint8_t *_Nullable bytes, size_t bytes_len,
                                    uint32_t *_Nullable output_tokens, size_t output_tokens_len);

/// A tokenizer's vocabulary (LlgTokenizerInitV2), zero-initialised, struct_size set to its size. The token bytes come
/// either from token_lens/token_bytes or from tokenizer_json (a Hugging Face tokenizer.json's text, which the library
/// reads itself; special tokens get a 0xFF prefix no grammar matches); vocab_size pads the vocabulary up to the
/// logits' width. tok_eos plus tok_eos_extra are the tokens allowed where the grammar may end. tokenize_fn (or
/// use_approximate_greedy_tokenize_fn) is required; tokenize_assumes_string: the function only ever gets valid UTF-8
/// (the library tokenizes invalid runs greedily). slices NULL: the library's default mask-computation partitions.
typedef struct AIGWLlgTokenizerInitV2 {
    size_t struct_size;
    uint32_t vocab_size;
    uint32_t tok_eos;
    const uint32_t *_Nullable token_lens;
    const uint8_t *_Nullable token_bytes;
    const char *_Nullable tokenizer_json;
    bool tokenize_assumes_string;
    AIGWLlgTokenizeFn _Nullable tokenize_fn;
    bool use_approximate_greedy_tokenize_fn;
    const void *_Nullable tokenize_user_data;
    const char *_Nullable const *_Nullable slices;
    const uint32_t *_Nullable tok_eos_extra;
    uint32_t tok_eos_extra_count;
} AIGWLlgTokenizerInitV2;

typedef const char *_Nullable (*AIGWLlgGetVersionFn)(void);
/// NULL on failure, with the reason in error_string (NUL-terminated, truncated to error_string_len).
typedef LlgTokenizer *_Nullable (*AIGWLlgNewTokenizerV2Fn)(const AIGWLlgTokenizerInitV2 *_Nonnull init,
                                                         char *_Nullable error_string, size_t error_string_len);
/// Only once no matcher made from the tokenizer is left.
typedef void (*AIGWLlgFreeTokenizerFn)(LlgTokenizer *_Nullable tokenizer);
typedef void (*AIGWLlgConstraintInitSetDefaultsFn)(AIGWLlgConstraintInit *_Nonnull init,
                                                   const LlgTokenizer *_Nullable tokenizer);
/// constraint_type is "json_schema", "json_object" (data ignored), "regex" or "lark"; both strings valid UTF-8.
typedef LlgMatcher *_Nullable (*AIGWLlgNewMatcherFn)(const AIGWLlgConstraintInit *_Nonnull init,
                                                    const char *_Nonnull constraint_type, const char *_Nonnull data);
/// NULL while the matcher is not in the error state; the text lives as long as the matcher.
typedef const char *_Nullable (*AIGWLlgMatcherGetErrorFn)(LlgMatcher *_Nonnull matcher);
typedef bool (*AIGWLlgMatcherIsErrorFn)(const LlgMatcher *_Nonnull matcher);
/// The bytes of a mask: one bit per token (bit i % 32 of word i / 32), rounded up to whole 32-bit words.
typedef size_t (*AIGWLlgMatcherGetMaskByteSizeFn)(const LlgMatcher *_Nonnull matcher);
/// The tokens allowed next (only the EOS tokens once the matcher has stopped) into mask_dest, whose mask_byte_len
/// must be llg_matcher_get_mask_byte_size's.
typedef int32_t (*AIGWLlgMatcherComputeMaskIntoFn)(LlgMatcher *_Nonnull matcher, uint32_t *_Nonnull mask_dest,
                                                   size_t mask_byte_len);
/// Advances by one token; a token the grammar does not allow puts the matcher in the error state.
typedef int32_t (*AIGWLlgMatcherConsumeTokenFn)(LlgMatcher *_Nonnull matcher, uint32_t token);
/// Undoes the last num_tokens consumed tokens.
typedef int32_t (*AIGWLlgMatcherRollbackFn)(LlgMatcher *_Nonnull matcher, size_t num_tokens);
/// True once the grammar is complete (an EOS consumed, or nothing but EOS can follow), or in the error state.
typedef bool (*AIGWLlgMatcherIsStoppedFn)(const LlgMatcher *_Nonnull matcher);
/// True when the grammar may end here (the mask allows EOS).
typedef bool (*AIGWLlgMatcherIsAcceptingFn)(LlgMatcher *_Nonnull matcher);
/// An independent copy in the same state.
typedef LlgMatcher *_Nullable (*AIGWLlgCloneMatcherFn)(const LlgMatcher *_Nonnull matcher);
typedef void (*AIGWLlgFreeMatcherFn)(LlgMatcher *_Nullable matcher);

#pragma clang diagnostic pop

#endif
