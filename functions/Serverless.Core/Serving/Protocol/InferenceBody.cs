using System.Text;
using System.Text.Json;
using Serverless.Core.Serving.Routing;

namespace Serverless.Core.Serving.Protocol;

/// <summary>
/// An Open Inference Protocol <c>infer</c> body read in one pass of a <see cref="Utf8JsonReader"/> over the request's
/// bytes, before the model is known: the id, the requested outputs, each input's name, datatype and shape, and its data
/// decoded straight into a pooled buffer of the datatype (<see cref="TensorDecoder"/>) when its shape and datatype come
/// before it, as the protocol writes them (else the data's place is kept and it is decoded once they are known). What
/// does not fit the protocol is noted, not thrown, so that <see cref="OpenInferenceCodec.Read"/> answers the first
/// mistake in the order the checks are made, whatever the order of the fields. Dispose it after the run.
/// </summary>
internal sealed class InferenceBody : IDisposable
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    private bool _idNotString;
    private bool _parametersNotObject;
    private (int Start, int Length)? _parameters;

    private InferenceBody(ReadOnlyMemory<byte> json)
    {
        Json = json;
    }

    /// <summary>The body as read (bare non-finite words quoted).</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>The request's <c>id</c>, if it has one.</summary>
    public string? Id { get; private set; }

    /// <summary>The inputs in the order given; null when <c>inputs</c> is absent or not an array.</summary>
    public List<Input>? Inputs { get; private set; }

    /// <summary>The outputs asked for; null when <c>outputs</c> is absent, null or (see <see cref="OutputsNotArray"/>) not an array.</summary>
    public List<Output>? Outputs { get; private set; }

    /// <summary>Whether <c>outputs</c> is there but neither null nor an array.</summary>
    public bool OutputsNotArray { get; private set; }

    /// <summary>Reads the body.</summary>
    /// <exception cref="InvalidInferenceRequestException">The body is not a JSON object.</exception>
    public static InferenceBody Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return Read(body);
        }
        catch (JsonException ex)
        {
            // Python clients' bare NaN and Infinity are not JSON: quoted (the protocol's spelling) and read again.
            var quoted = JsonBody.QuoteNonFinite(body);
            if (quoted.Equals(body))
            {
                throw JsonBody.NotJson(ex);
            }

            try
            {
                return Read(quoted);
            }
            catch (JsonException again)
            {
                throw JsonBody.NotJson(again);
            }
        }
    }

    /// <summary>Checks that the body has the request's form before a model is borrowed for it.</summary>
    /// <exception cref="InvalidInferenceRequestException">The body is not an inference request.</exception>
    public void CheckForm()
    {
        if (_idNotString)
        {
            throw new InvalidInferenceRequestException("'id' must be a string.");
        }

        if (_parametersNotObject)
        {
            throw new InvalidInferenceRequestException("'parameters' must be a JSON object.");
        }

        if (Inputs is not { Count: > 0 })
        {
            throw new InvalidInferenceRequestException("The request needs 'inputs': an array of {\"name\", \"shape\", \"datatype\", \"data\"} objects.");
        }
    }

    /// <summary>The routing key in <c>parameters</c>, if any (read only for an alias with a canary).</summary>
    /// <exception cref="InvalidInferenceRequestException">The key is neither a string nor a number.</exception>
    public string? RoutingKey()
    {
        if (_parameters is not (int start, int length))
        {
            return null;
        }

        using var parameters = JsonDocument.Parse(Json.Slice(start, length));
        return CanaryRouter.FromRecords(parameters.RootElement);
    }

    /// <summary>The UTF-8 text of the body from <paramref name="start"/>, for messages.</summary>
    public string Text(int start, int length) => Encoding.UTF8.GetString(Json.Span.Slice(start, length));

    public void Dispose() => Inputs?.ForEach(i => i.Dispose());

    private static InferenceBody Read(ReadOnlyMemory<byte> json)
    {
        var body = new InferenceBody(json);
        try
        {
            var span = json.Span;
            var reader = new Utf8JsonReader(span, ReaderOptions);
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                // Read to the end first: a body that is not JSON at all says so.
                reader.Skip();
                reader.Read();
                throw new InvalidInferenceRequestException("The body must be a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("inputs"u8))
                {
                    reader.Read();
                    body.ReadInputs(ref reader, span);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    body.Id = OptionalString(ref reader, out body._idNotString);
                }
                else if (reader.ValueTextEquals("parameters"u8))
                {
                    reader.Read();
                    int start = (int)reader.TokenStartIndex;
                    body._parametersNotObject = reader.TokenType != JsonTokenType.StartObject;
                    reader.Skip();
                    body._parameters = body._parametersNotObject ? null : (start, (int)reader.BytesConsumed - start);
                }
                else if (reader.ValueTextEquals("outputs"u8))
                {
                    reader.Read();
                    body.ReadOutputs(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Anything after the object is an error the reader reports.
            reader.Read();
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>A string, or null for null; anything else is null with <paramref name="notString"/> set.</summary>
    private static string? OptionalString(ref Utf8JsonReader reader, out bool notString)
    {
        notString = reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null);
        if (notString)
        {
            reader.Skip();
        }

        return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    private void ReadInputs(ref Utf8JsonReader reader, ReadOnlySpan<byte> span)
    {
        Inputs?.ForEach(i => i.Dispose());
        Inputs = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        var inputs = new List<Input>();
        Inputs = inputs;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var input = new Input();
            inputs.Add(input);
            input.Read(ref reader, span);
        }
    }

    private void ReadOutputs(ref Utf8JsonReader reader)
    {
        Outputs = null;
        OutputsNotArray = reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.Null);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        var outputs = new List<Output>();
        Outputs = outputs;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var output = new Output { Start = (int)reader.TokenStartIndex, IsObject = reader.TokenType == JsonTokenType.StartObject };
            if (output.IsObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isName = reader.ValueTextEquals("name"u8);
                    reader.Read();
                    if (isName)
                    {
                        output.Name = OptionalString(ref reader, out bool notString);
                        output.NameNotString = notString;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }

            output.Length = (int)reader.BytesConsumed - output.Start;
            outputs.Add(output);
        }
    }

    /// <summary>One entry of <c>outputs</c>.</summary>
    internal sealed class Output
    {
        public int Start { get; set; }

        public int Length { get; set; }

        public bool IsObject { get; set; }

        public string? Name { get; set; }

        public bool NameNotString { get; set; }
    }

    /// <summary>One entry of <c>inputs</c>, as given: nothing is checked against the model yet.</summary>
    internal sealed class Input : IDisposable
    {
        private long[]? _decodedShape;
        private string? _decodedDatatype;

        public bool IsObject { get; private set; }

        public string? Name { get; private set; }

        public bool NameNotString { get; private set; }

        public string? Datatype { get; private set; }

        public bool DatatypeNotString { get; private set; }

        /// <summary>The shape's dimensions, null when <c>shape</c> is absent or not an array.</summary>
        public long[]? Shape { get; private set; }

        /// <summary>Whether every dimension is a whole number of zero or more.</summary>
        public bool ShapeValid { get; private set; }

        /// <summary>The number of values the shape holds (above <see cref="int.MaxValue"/>: more than any request may carry).</summary>
        public long Count { get; private set; }

        public int ShapeStart { get; private set; }

        public int ShapeLength { get; private set; }

        public bool HasData { get; private set; }

        private int DataStart { get; set; }

        private int DataLength { get; set; }

        private TensorDecoder.TensorValues? Values { get; set; }

        private string? DataError { get; set; }

        /// <summary>
        /// The data's values for the final shape and datatype, decoded now if they were not while the body was read;
        /// null with <paramref name="error"/> (the message's end after the input's name) when they do not fit.
        /// </summary>
        public TensorDecoder.TensorValues? Decode(TensorDecoder decoder, ReadOnlyMemory<byte> json, out string? error)
        {
            if (!ReferenceEquals(_decodedShape, Shape) || !ReferenceEquals(_decodedDatatype, Datatype))
            {
                var data = json.Span.Slice(DataStart, DataLength);
                var reader = new Utf8JsonReader(data, ReaderOptions);
                reader.Read();
                SetValues(decoder.Decode(ref reader, data, Shape!, Count, out string? dataError), dataError);
                _decodedShape = Shape;
                _decodedDatatype = Datatype;
            }

            error = DataError;
            return Values;
        }

        public void Dispose() => SetValues(null, null);

        internal void Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> span)
        {
            IsObject = reader.TokenType == JsonTokenType.StartObject;
            if (!IsObject)
            {
                reader.Skip();
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    Name = OptionalString(ref reader, out bool notString);
                    NameNotString = notString;
                }
                else if (reader.ValueTextEquals("datatype"u8))
                {
                    reader.Read();
                    Datatype = OptionalString(ref reader, out bool notString);
                    DatatypeNotString = notString;
                }
                else if (reader.ValueTextEquals("shape"u8))
                {
                    reader.Read();
                    ReadShape(ref reader);
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    ReadData(ref reader, span);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        private void ReadShape(ref Utf8JsonReader reader)
        {
            ShapeStart = (int)reader.TokenStartIndex;
            Shape = null;
            ShapeValid = false;
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                ShapeLength = (int)reader.BytesConsumed - ShapeStart;
                return;
            }

            Span<long> first = stackalloc long[8];
            List<long>? more = null;
            int rank = 0;
            bool valid = true;
            long count = 1;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long dim) || dim < 0)
                {
                    reader.Skip();
                    valid = false;
                    dim = 0;
                }

                count = dim == 0 || count <= int.MaxValue / dim ? count * dim : int.MaxValue + 1L;
                if (rank < first.Length)
                {
                    first[rank] = dim;
                }
                else
                {
                    (more ??= []).Add(dim);
                }

                rank++;
            }

            ShapeLength = (int)reader.BytesConsumed - ShapeStart;
            var shape = new long[rank];
            first[..Math.Min(rank, first.Length)].CopyTo(shape);
            more?.CopyTo(shape, first.Length);
            Shape = shape;
            ShapeValid = valid;
            Count = count;
        }

        private void ReadData(ref Utf8JsonReader reader, ReadOnlySpan<byte> span)
        {
            HasData = true;
            DataStart = (int)reader.TokenStartIndex;

            // Straight into the tensor's buffer when the shape and datatype are known already (the protocol's order).
            if (Shape is not null && ShapeValid && Count <= int.MaxValue && Datatype is not null && TensorDecoder.For(Datatype) is { } decoder)
            {
                var values = decoder.Decode(ref reader, span, Shape, Count, out string? error);
                SetValues(values, error);
                _decodedShape = Shape;
                _decodedDatatype = Datatype;
            }
            else
            {
                reader.Skip();
                SetValues(null, null);
            }

            DataLength = (int)reader.BytesConsumed - DataStart;
        }

        private void SetValues(TensorDecoder.TensorValues? values, string? error)
        {
            Values?.Dispose();
            Values = values;
            DataError = error;
            _decodedShape = null;
            _decodedDatatype = null;
        }
    }
}
