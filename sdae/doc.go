// Package sdae follows Vincent et al., "Stacked Denoising Autoencoders:
// Learning Useful Representations in a Deep Network with a Local Denoising
// Criterion" (JMLR 2010), as presented in lecture 7.3.
//
// It holds the denoising autoencoder layer with the paper's three corruptions
// (masking, salt-and-pepper, additive Gaussian; [Corruption]), tied or untied
// weights and cross-entropy or squared reconstruction of the CLEAN input
// ([DAELayer], [TrainDAE]); natural-image patch preprocessing and numbers
// that make "Gabor-like" measurable ([NaturalPatches], [Localization],
// [OrientationSelectivity], [FitGabor]) with the paper's four filter models
// ([LoadPatches] on whole-image-whitened photos, [FilterModels],
// [SummarizeFilters]) and [FastICA] as the reference that the patches do
// hold Gabor-like structure; greedy layer-wise
// pretraining and supervised fine-tuning against a random-initialisation
// control ([PretrainStack], [FineTune], [SdA3], [Compare]); and the seeded
// generators of the benchmark data sets of that paper's table (Larochelle
// et al. 2007): mnist-rot ([Rot]), mnist-bg-rand ([BgRand]), mnist-bg-img
// and bg-img-rot ([BgImg]), rect ([Rect]), rect-img ([RectImg]) and convex
// ([Convex]); images are [N,28,28] float32 in [0,1]. [Benchmark] builds the
// train and test sets of each (and of MNIST and Fashion-MNIST), and
// [PaperSdA3] holds the paper's figures.
//
// The commands sdae/cmd/sdamnist and sdae/cmd/sdaefilters run the stack and
// the filter models of notebook 07 from the shell.
package sdae
