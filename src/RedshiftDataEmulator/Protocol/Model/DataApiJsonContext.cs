using System.Text.Json.Serialization;

namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>
/// Source-generated (de)serialisation of the Data API's members: names exactly as modelled (case-sensitive, unknown
/// members ignored), unset members omitted, timestamps as epoch seconds.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false,
    Converters = [typeof(EpochSecondsConverter)])]
[JsonSerializable(typeof(ExecuteStatementRequest))]
[JsonSerializable(typeof(BatchExecuteStatementRequest))]
[JsonSerializable(typeof(SubmitStatementResponse))]
[JsonSerializable(typeof(DescribeStatementRequest))]
[JsonSerializable(typeof(DescribeStatementResponse))]
[JsonSerializable(typeof(CancelStatementRequest))]
[JsonSerializable(typeof(CancelStatementResponse))]
[JsonSerializable(typeof(GetStatementResultRequest))]
[JsonSerializable(typeof(GetStatementResultResponse))]
[JsonSerializable(typeof(GetStatementResultV2Response))]
[JsonSerializable(typeof(ListStatementsRequest))]
[JsonSerializable(typeof(ListStatementsResponse))]
[JsonSerializable(typeof(List<SqlParameter>))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class DataApiJsonContext : JsonSerializerContext;
