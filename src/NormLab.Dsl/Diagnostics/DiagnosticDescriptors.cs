using System.Collections.Generic;
using System.Linq;

namespace NormLab.Dsl.Diagnostics;

/// <summary>The diagnostic catalog: every rule NormLab reports, declared once.</summary>
public static class DiagnosticDescriptors
{
    public const string HelpLinkBase = "https://github.com/normlab/normlab/blob/main/docs/diagnostics/";

    private const string Language = "Language";
    private const string Ordering = "Ordering";
    private const string Shape = "Shape";
    private const string Binding = "Binding";
    private const string Architecture = "Architecture";

    // NL0xxx: language
    public static readonly DiagnosticDescriptor SyntaxError = Create(
        "NL0001", "Syntax error", "{0}", Language, DiagnosticSeverity.Error,
        "The text does not follow the NormLab grammar.");

    public static readonly DiagnosticDescriptor UnknownName = Create(
        "NL0002", "Unknown layer or block", "'{0}' is not a layer or block{1}", Language, DiagnosticSeverity.Error,
        "A pipeline names a layer that is not in the catalog and no block of that name is declared.");

    public static readonly DiagnosticDescriptor BadArgument = Create(
        "NL0003", "Bad argument", "{constraint}, got {value}", Language, DiagnosticSeverity.Error,
        "A layer's argument has the wrong type or lies out of range.");

    public static readonly DiagnosticDescriptor DuplicateDeclaration = Create(
        "NL0004", "Duplicate declaration", "{0}", Language, DiagnosticSeverity.Error,
        "Two networks or blocks of one namespace share a name.");

    public static readonly DiagnosticDescriptor UndefinedParameter = Create(
        "NL0005", "Undefined parameter", "'{0}' is not a parameter of {1}{2}", Language, DiagnosticSeverity.Error,
        "An argument refers to a name that is not a parameter in scope.");

    public static readonly DiagnosticDescriptor InvalidTypeName = Create(
        "NL0006", "Invalid network name", "{0}", Language, DiagnosticSeverity.Error,
        "A network becomes a C# type: its name must be a valid C# type name that does not clash with generated names.");

    public static readonly DiagnosticDescriptor RecursiveBlock = Create(
        "NL0007", "Recursive block", "Block '{0}' calls itself ({1}); blocks cannot be recursive", Language, DiagnosticSeverity.Error,
        "A block that calls itself, directly or through other blocks, would expand forever.");

    public static readonly DiagnosticDescriptor EmptyBody = Create(
        "NL0008", "Empty network or block", "{0} has no layers; add a pipeline such as 'conv3x3(32) > bn > relu'", Language, DiagnosticSeverity.Error,
        "A network or block needs at least one layer.");

    public static readonly DiagnosticDescriptor BadInput = Create(
        "NL0009", "Missing or malformed input", "{0}", Language, DiagnosticSeverity.Error,
        "Every network declares its input: 'CxHxW', 'HxW' (one channel) or a feature count.");

    public static readonly DiagnosticDescriptor BadAllow = Create(
        "NL0010", "Bad allow entry", "{0}", Language, DiagnosticSeverity.Warning,
        "'allow' names diagnostic IDs that exist and that can be silenced (errors cannot).");

    public static readonly DiagnosticDescriptor DuplicateParameter = Create(
        "NL0011", "Duplicate parameter", "{owner} declares the parameter '{parameter}' twice", Language, DiagnosticSeverity.Error,
        "A block or network declares a parameter twice.");

    public static readonly DiagnosticDescriptor TooManyLayers = Create(
        "NL0012", "Too many layers", "The network expands to more than {limit} layers; reduce the repeat counts", Language, DiagnosticSeverity.Error,
        "Blocks and repeats multiply; a network that expands to more than 10,000 layers is not built.");

    public static readonly DiagnosticDescriptor ExpansionTooLong = Create(
        "NL0013", "Expansion takes too many steps",
        "The network's expansion takes more than {limit} steps (blocks and repeats multiply); reduce the repeat counts", Language, DiagnosticSeverity.Error,
        "The work of expanding one network (elements, arguments, expression nodes) is bounded so that checking stays fast.");

    public static readonly DiagnosticDescriptor NestingTooDeep = Create(
        "NL0014", "Nesting too deep",
        "Blocks, groups, residuals and layer parameters nest deeper than {limit} levels here (or a layer parameter stands for itself); flatten the structure",
        Language, DiagnosticSeverity.Error,
        "Expansion follows nesting only to a fixed depth, so that no input can exhaust the checker's stack.");

    public static readonly DiagnosticDescriptor BadRepeatCount = Create(
        "NL0015", "Bad repeat count", "A repeat count must be a whole number from 1 to {limit}, got {value}", Language, DiagnosticSeverity.Error,
        "'element * n' repeats the element n times: n is a whole number from 1 to 10,000.");

    public static readonly DiagnosticDescriptor DivisionByZero = Create(
        "NL0016", "Division by zero", "Division by zero", Language, DiagnosticSeverity.Error,
        "An argument's arithmetic divides by zero.");

    public static readonly DiagnosticDescriptor ArithmeticOverflow = Create(
        "NL0017", "Arithmetic result too large", "The result of this arithmetic is too large", Language, DiagnosticSeverity.Error,
        "An argument's arithmetic leaves the range of exact numbers.");

    public static readonly DiagnosticDescriptor OperandNotNumber = Create(
        "NL0018", "Arithmetic on a value that is not a number", "'{operator}' needs numbers, got {value}", Language, DiagnosticSeverity.Error,
        "Arithmetic operators take numbers, not layers, shapes or symbols.");

    public static readonly DiagnosticDescriptor NumberAsLayer = Create(
        "NL0019", "Number used as a layer", "'{name}' is the number {value}, not a layer; pass a layer such as 'relu' for it", Language, DiagnosticSeverity.Error,
        "A block parameter used as a layer in the pipeline must be given a layer.");

    public static readonly DiagnosticDescriptor ArgumentsOnLayerParameter = Create(
        "NL0020", "Arguments on a layer parameter",
        "'{name}' stands for the layer '{layer}' and takes no arguments here; pass them where the layer is chosen ({name} = leakyrelu(0.2))",
        Language, DiagnosticSeverity.Error,
        "A layer passed as a parameter is complete: its arguments are given where it is chosen.");

    public static readonly DiagnosticDescriptor BadClasses = Create(
        "NL0021", "Bad class count", "'classes' must be a whole number of at least 1, got {value}", Language, DiagnosticSeverity.Error,
        "'classes' is the number of outputs of a classifier.");

    public static readonly DiagnosticDescriptor HyperParameterWithoutDefault = Create(
        "NL0022", "Hyper-parameter without a value", "Hyper-parameter '{name}' needs a default value: '{name}: 32'", Language, DiagnosticSeverity.Error,
        "A network's hyper-parameter needs a value the network is built with (a study or the command line can override it).");

    public static readonly DiagnosticDescriptor HyperParameterNotNumber = Create(
        "NL0023", "Hyper-parameter is not a number", "Hyper-parameter '{name}' must be a number, got {value}", Language, DiagnosticSeverity.Error,
        "Hyper-parameters are numbers that layers' arguments use.");

    public static readonly DiagnosticDescriptor TooManyArguments = Create(
        "NL0024", "Too many arguments", "{callee} takes {allowed}", Language, DiagnosticSeverity.Error,
        "A layer or block is called with more arguments than it has parameters.");

    public static readonly DiagnosticDescriptor UnknownArgument = Create(
        "NL0025", "Unknown argument", "{callee} has no argument '{argument}'{suggestion}{arguments}", Language, DiagnosticSeverity.Error,
        "A named argument does not name a parameter of the layer or block.");

    public static readonly DiagnosticDescriptor DuplicateArgument = Create(
        "NL0026", "Argument given twice", "The argument '{argument}' of {callee} is given twice", Language, DiagnosticSeverity.Error,
        "Each argument of a call is given once, by position or by name.");

    public static readonly DiagnosticDescriptor MissingArgument = Create(
        "NL0027", "Missing argument", "{callee} needs the argument '{argument}': {usage}", Language, DiagnosticSeverity.Error,
        "A layer or block parameter without a default needs an argument.");

    public static readonly DiagnosticDescriptor PoolingPaddingTooLarge = Create(
        "NL0028", "Pooling padding over half the kernel",
        "'{layer}' has padding {padding} but its kernel is {kernel}: padding can be at most half the kernel ({limit})", Language, DiagnosticSeverity.Error,
        "Pooling pads at most half its kernel (libtorch's rule): a window would otherwise see only padding.");

    public static readonly DiagnosticDescriptor FixedKernel = Create(
        "NL0029", "Kernel of a fixed-kernel layer",
        "'{layer}' has a fixed {size}x{size} kernel; use conv(out, kernel: n) for another size", Language, DiagnosticSeverity.Error,
        "conv1x1, conv3x3 and their kin name their kernel size; 'conv' takes any.");

    public static readonly DiagnosticDescriptor BadResidualArgument = Create(
        "NL0030", "Bad residual argument",
        "'residual' takes one optional argument, 'project': residual(project) {{ … }}", Language, DiagnosticSeverity.Error,
        "A residual block's only option is a projection of its shortcut.");

    public static readonly DiagnosticDescriptor TooManyDiagnostics = Create(
        "NL0031", "Too many diagnostics",
        "Too many diagnostics: {0} more are not shown (a file lists at most {1}); fix the ones above first", Language, DiagnosticSeverity.Warning,
        "A check lists at most 1,000 diagnostics per file and counts the rest, so that no input can exhaust memory. An error when an error is among those not shown.");

    // NL1xxx: ordering
    public static readonly DiagnosticDescriptor NormAfterActivation = Create(
        "NL1001", "Normalization after activation",
        "'{0}' normalizes the output of the activation '{1}'; most guidance puts normalization before the activation ('{0} > {1}'), but the evidence is mixed: reorder, or keep it on purpose with 'allow NL1001' and compare both with a study",
        Ordering, DiagnosticSeverity.Warning,
        "Normalize the pre-activation so the non-linearity sees zero-mean, unit-variance input.");

    public static readonly DiagnosticDescriptor BiasBeforeNorm = Create(
        "NL1002", "Bias before normalization",
        "'{0}' has 'bias: true' but '{1}' subtracts the mean right after, cancelling the bias; remove 'bias: true' ('bias: auto' leaves it out)",
        Ordering, DiagnosticSeverity.Info,
        "The mean subtraction cancels the bias: wasted parameters.");

    public static readonly DiagnosticDescriptor DropoutBeforeBatchNorm = Create(
        "NL1003", "Dropout before batch normalization",
        "'{0}' comes directly before '{1}': batch norm learns statistics under dropout and sees a different variance at inference; move the dropout after the normalization",
        Ordering, DiagnosticSeverity.Warning,
        "Variance shift between training and inference.");

    public static readonly DiagnosticDescriptor ConsecutiveNorms = Create(
        "NL1004", "Two normalizations in a row",
        "'{1}' directly follows '{0}': the second normalization undoes the first; remove one",
        Ordering, DiagnosticSeverity.Warning,
        "The second normalization undoes the first.");

    public static readonly DiagnosticDescriptor RedundantActivation = Create(
        "NL1005", "Two activations with nothing learnable between",
        "'{1}' is applied after '{0}' with nothing learnable between them{2}; remove one or put a layer with weights between them",
        Ordering, DiagnosticSeverity.Warning,
        "Redundant, or a signal squashed twice.");

    public static readonly DiagnosticDescriptor CollapsingLinearMaps = Create(
        "NL1006", "Two linear maps without a non-linearity",
        "'{0}' and '{1}' have no non-linearity between them and collapse into one linear map; add an activation between them",
        Ordering, DiagnosticSeverity.Warning,
        "Two linear maps in a row are one linear map with more parameters.");

    public static readonly DiagnosticDescriptor ActivationLast = Create(
        "NL1007", "Activation as the last layer",
        "The network ends with the activation '{0}', but the trainer's cross-entropy expects logits; remove it (the loss applies softmax itself)",
        Ordering, DiagnosticSeverity.Warning,
        "Double softmax or clipped logits.");

    public static readonly DiagnosticDescriptor NormLast = Create(
        "NL1008", "Normalization as the last layer",
        "The network ends with the normalization '{0}': normalized logits cap the confidence the model can express; end with a linear layer",
        Ordering, DiagnosticSeverity.Warning,
        "Normalized logits cap the confidence the model can express.");

    public static readonly DiagnosticDescriptor ActivationBeforeMaxPool = Create(
        "NL1009", "Monotone activation before max pooling",
        "'{0}' is monotone and commutes with '{1}': '{1} > {0}' computes the same on fewer elements",
        Ordering, DiagnosticSeverity.Hidden,
        "Max pooling then the activation computes the same thing on fewer elements.");

    public static readonly DiagnosticDescriptor SaturatingStack = Create(
        "NL1010", "Stacked saturating activations without normalization",
        "'{0}' is the {1}th saturating activation (sigmoid/tanh) with no normalization between them: gradients vanish; add batch norm or use relu",
        Ordering, DiagnosticSeverity.Warning,
        "Vanishing gradients.");

    public static readonly DiagnosticDescriptor PoolingFirst = Create(
        "NL1011", "Pooling before the first learnable layer",
        "'{0}' pools the input before any convolution or linear layer has learned a feature; move it after the first convolution",
        Ordering, DiagnosticSeverity.Info,
        "Discards input information before any feature is learned.");

    public static readonly DiagnosticDescriptor BatchNormAfterResidual = Create(
        "NL1012", "Batch normalization after a residual addition",
        "'{0}' normalizes the sum of '{1}' (He et al. 2016: the worst of the residual orderings); normalize inside the branch instead",
        Ordering, DiagnosticSeverity.Warning,
        "Normalizing after the addition disturbs the identity path.");

    public static readonly DiagnosticDescriptor DropoutBeforePooling = Create(
        "NL1013", "Dropout before pooling",
        "'{0}' drops units that '{1}' then pools away; put the dropout after the pooling",
        Ordering, DiagnosticSeverity.Info,
        "Max pooling undoes much of what dropout removed.");

    public static readonly DiagnosticDescriptor SoftmaxSingleFeature = Create(
        "NL1014", "Softmax over a single feature",
        "'{0}' takes the softmax of a single feature: the output is always 1 and nothing can be learned; use sigmoid for one output, or as many outputs as classes",
        Ordering, DiagnosticSeverity.Error,
        "The softmax of one value is the constant 1.");

    public static readonly DiagnosticDescriptor DropPathOutsideResidual = Create(
        "NL1015", "droppath outside a residual branch",
        "'droppath' outside a residual branch drops the whole signal for that sample; put it at the end of a residual branch",
        Ordering, DiagnosticSeverity.Warning,
        "Stochastic depth drops a residual branch per sample; outside a residual it drops the sample's whole signal.");

    // NL2xxx: shapes
    public static readonly DiagnosticDescriptor SpatialCollapse = Create(
        "NL2001", "Spatial size collapses", "{0}", Shape, DiagnosticSeverity.Error,
        "A spatial size reaches zero, or a kernel is larger than its padded input.");

    public static readonly DiagnosticDescriptor MissingFlatten = Create(
        "NL2002", "Fully connected layer on a spatial tensor",
        "'{0}' receives the spatial tensor {1}; insert 'flatten' (or 'gap') before it",
        Shape, DiagnosticSeverity.Error,
        "A fully connected layer needs a flat feature vector.");

    public static readonly DiagnosticDescriptor SpatialAfterFlatten = Create(
        "NL2003", "Spatial layer after flatten",
        "'{0}' needs a CxHxW tensor but receives the flat tensor {1}; move it before 'flatten'",
        Shape, DiagnosticSeverity.Error,
        "Convolutions, pooling and 2-d normalizations need spatial input.");

    public static readonly DiagnosticDescriptor WrongClassCount = Create(
        "NL2004", "Output does not match classes",
        "The network's output is {0} but 'classes' is {1}; end with 'linear(classes)'{2}",
        Shape, DiagnosticSeverity.Error,
        "The last layer must produce one logit per class.");

    public static readonly DiagnosticDescriptor OddSizeDropped = Create(
        "NL2005", "Stride drops a row or column",
        "'{0}' with stride {1} on a {2}x{3} input drops the last {4}; pad the input or choose sizes divisible by the stride",
        Shape, DiagnosticSeverity.Info,
        "Part of the input is never seen.");

    public static readonly DiagnosticDescriptor GroupsDoNotDivide = Create(
        "NL2006", "Groups do not divide channels", "{0}", Shape, DiagnosticSeverity.Error,
        "Grouped layers split channels into equal groups.");

    public static readonly DiagnosticDescriptor ResidualShapeChange = Create(
        "NL2007", "Residual branch changes the shape",
        "The residual branch maps {0} to {1} but the identity shortcut keeps {0}; use 'residual(project)' or keep the shape",
        Shape, DiagnosticSeverity.Error,
        "A sum needs equal shapes.");

    public static readonly DiagnosticDescriptor HugeLayer = Create(
        "NL2008", "Very large layer",
        "'{0}' holds {1:N0} parameters (more than 10 million); reduce its width or the size of its input (pool or use gap)",
        Shape, DiagnosticSeverity.Warning,
        "A single huge layer usually means a missing down-sampling.");

    public static readonly DiagnosticDescriptor ConcatMismatch = Create(
        "NL2009", "concat branches disagree", "{0}", Shape, DiagnosticSeverity.Error,
        "Concatenation joins on channels (or features); every other dimension, and the rank, must agree.");

    public static readonly DiagnosticDescriptor ScaleMismatch = Create(
        "NL2010", "scale branch is not a per-channel gate", "{0}", Shape, DiagnosticSeverity.Error,
        "A scale branch must produce C features (or C×1×1, C×1 on a signal) for a C-channel input.");

    public static readonly DiagnosticDescriptor ChannelsOutOfRange = Create(
        "NL2011", "channels() outside the input", "{0}", Shape, DiagnosticSeverity.Error,
        "channels(start, end) needs 0 <= start < end <= C.");

    public static readonly DiagnosticDescriptor WrongRank = Create(
        "NL2012", "Layer or argument for the wrong rank", "{0}", Shape, DiagnosticSeverity.Error,
        "2-d names and HxW arguments are for images, 1-d names for signals.");

    public static readonly DiagnosticDescriptor ShuffleGroups = Create(
        "NL2013", "shuffle groups do not divide the channels", "{0}", Shape, DiagnosticSeverity.Error,
        "A channel shuffle reshapes C into groups × C/groups.");

    // NL3xxx: binding to C# (reported by the analyzer)
    public static readonly DiagnosticDescriptor NotPartial = Create(
        "NL3001", "Network type is not partial", "'{0}' has [Network] but is not partial; add the 'partial' modifier", Binding, DiagnosticSeverity.Error,
        "The generator adds members to the type.");

    public static readonly DiagnosticDescriptor NotConstant = Create(
        "NL3002", "Attribute argument is not a constant", "{0}", Binding, DiagnosticSeverity.Error,
        "The architecture is checked at compile time.");

    public static readonly DiagnosticDescriptor BadHyperParameter = Create(
        "NL3003", "Hyper-parameter is not a numeric member", "{0}", Binding, DiagnosticSeverity.Error,
        "Pipeline names must be numeric parameters or properties of the record.");

    public static readonly DiagnosticDescriptor BadContainingType = Create(
        "NL3004", "Network type is nested in a non-partial type or generic", "{0}", Binding, DiagnosticSeverity.Error,
        "The generator must be able to declare the type again.");

    public static readonly DiagnosticDescriptor InlineAndAttributes = Create(
        "NL3005", "Both an inline pipeline and layer attributes", "'{0}' has both an inline pipeline and layer attributes; keep one form", Binding, DiagnosticSeverity.Error,
        "A network is declared once.");

    // NL4xxx: architecture hints (hidden)
    public static readonly DiagnosticDescriptor WideningFullyConnected = Create(
        "NL4001", "Fully connected layer widens",
        "'{0}' ({1} features) is wider than the fully connected layer '{2}' before it ({3}); widths usually narrow towards the output",
        Architecture, DiagnosticSeverity.Hidden, "Widths should narrow towards the output.");

    public static readonly DiagnosticDescriptor NarrowingConvolution = Create(
        "NL4002", "Convolution narrows",
        "'{0}' has {1} output channels, fewer than '{2}' ({3}); feature maps usually widen as resolution falls",
        Architecture, DiagnosticSeverity.Hidden, "Feature maps should widen as resolution falls.");

    public static readonly DiagnosticDescriptor InconsistentStage = Create(
        "NL4003", "Inconsistent convolutions in a stage",
        "'{0}' differs from '{1}', the first convolution of its stage ({2}); keep one kernel size and width per stage",
        Architecture, DiagnosticSeverity.Hidden, "Convolutions of a stage usually share kernel size and width.");

    public static readonly DiagnosticDescriptor AveragePoolingOnly = Create(
        "NL4004", "Deep CNN down-samples only by average pooling",
        "'{0}': this deep CNN down-samples only with average pooling; consider max pooling or a strided convolution",
        Architecture, DiagnosticSeverity.Hidden, "Deep CNNs usually down-sample with max pooling or strided convolutions.");

    public static readonly DiagnosticDescriptor PoolingAfterEveryConv = Create(
        "NL4005", "Deep CNN pools after every convolution",
        "'{0}': this deep CNN pools after every convolution; stack two or more convolutions per stage",
        Architecture, DiagnosticSeverity.Hidden, "Resolution falls too fast when every convolution is pooled.");

    /// <summary>Every descriptor, ordered by ID.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = typeof(DiagnosticDescriptors)
        .GetFields()
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Id, System.StringComparer.Ordinal)
        .ToArray();

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor? Find(string id) => ById.TryGetValue(id, out var d) ? d : null;

    private static DiagnosticDescriptor Create(string id, string title, string format, string category, DiagnosticSeverity severity, string description) =>
        new(id, title, format, category, severity, description);
}
