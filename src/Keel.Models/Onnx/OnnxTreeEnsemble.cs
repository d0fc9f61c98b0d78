using Keel.Core.Common;
using Microsoft.ML.Trainers.FastTree;
using static Keel.Models.Onnx.OnnxGraphBuilder;

namespace Keel.Models.Onnx;

/// <summary>Writes an ML.NET regression-tree ensemble as one <c>ai.onnx.ml</c> TreeEnsembleRegressor node.</summary>
internal static class OnnxTreeEnsemble
{
    /// <summary>Adds the node reading [N, <paramref name="width"/>] features and writing [N, 1] scores.</summary>
    public static string Add(OnnxGraphBuilder graph, string features, long width, RegressionTreeEnsemble ensemble, string output)
    {
        var nodes = new Nodes();
        var targets = new Targets();
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            if (tree.CategoricalSplitFlags.Any(categorical => categorical))
            {
                throw KeelException.InvalidParameter(
                    $"Tree {t} of the ensemble splits on a categorical feature; the ONNX export supports numerical splits only.");
            }

            // Internal nodes keep ML.NET's numbers (the root is 0); leaf i follows them. A negative child is ~leaf.
            var internalCount = tree.NumberOfNodes;
            long Child(int child) => child < 0 ? internalCount + ~child : child;
            for (var n = 0; n < internalCount; n++)
            {
                var feature = tree.NumericalSplitFeatureIndexes[n];
                if (feature >= width)
                {
                    throw KeelException.InvalidParameter($"Tree {t} splits on feature {feature}, but the model has {width} features.");
                }

                // ML.NET sends a value at or below the threshold to the left child.
                nodes.Add(t, n, feature, tree.NumericalSplitThresholds[n], "BRANCH_LEQ", Child(tree.LeftChild[n]), Child(tree.RightChild[n]));
            }

            for (var leaf = 0; leaf < tree.NumberOfLeaves; leaf++)
            {
                nodes.Add(t, internalCount + leaf, 0, 0f, "LEAF", 0, 0);
                targets.Add(t, internalCount + leaf, (float)(tree.LeafValues[leaf] * ensemble.TreeWeights[t]));
            }
        }

        return graph.AddNode("TreeEnsembleRegressor", [features], output, MlDomain,
            Attribute("n_targets", 1L),
            Attribute("aggregate_function", "SUM"),
            Attribute("post_transform", "NONE"),
            Attribute("base_values", [(float)ensemble.Bias]),
            Attribute("nodes_treeids", nodes.TreeIds),
            Attribute("nodes_nodeids", nodes.NodeIds),
            Attribute("nodes_featureids", nodes.FeatureIds),
            Attribute("nodes_values", nodes.Values),
            Attribute("nodes_modes", nodes.Modes),
            Attribute("nodes_truenodeids", nodes.TrueIds),
            Attribute("nodes_falsenodeids", nodes.FalseIds),
            Attribute("target_treeids", targets.TreeIds),
            Attribute("target_nodeids", targets.NodeIds),
            Attribute("target_ids", targets.TargetIds),
            Attribute("target_weights", targets.Weights));
    }

    private sealed class Nodes
    {
        public List<long> TreeIds { get; } = [];
        public List<long> NodeIds { get; } = [];
        public List<long> FeatureIds { get; } = [];
        public List<float> Values { get; } = [];
        public List<string> Modes { get; } = [];
        public List<long> TrueIds { get; } = [];
        public List<long> FalseIds { get; } = [];

        public void Add(long tree, long node, long feature, float value, string mode, long trueId, long falseId)
        {
            TreeIds.Add(tree);
            NodeIds.Add(node);
            FeatureIds.Add(feature);
            Values.Add(value);
            Modes.Add(mode);
            TrueIds.Add(trueId);
            FalseIds.Add(falseId);
        }
    }

    private sealed class Targets
    {
        public List<long> TreeIds { get; } = [];
        public List<long> NodeIds { get; } = [];
        public List<long> TargetIds { get; } = [];
        public List<float> Weights { get; } = [];

        public void Add(long tree, long node, float weight)
        {
            TreeIds.Add(tree);
            NodeIds.Add(node);
            TargetIds.Add(0);
            Weights.Add(weight);
        }
    }
}
