// Package dae is the first half of lecture 7.3: denoising autoencoders.
//
// A denoiser phi is trained on pairs (X~, X), X~ = X + noise, with the
// quadratic loss E||phi(X~) - X||^2. Its minimiser is the posterior mean
// phi*(x~) = E[X | X~ = x~], which is implausible when the posterior is
// multi-modal: it averages the modes and lands between them.
//
// The 2D toy of the lecture lives here: the open-circle prior
// ([OpenCircle]), its exact posterior ([OpenCircle.PosteriorMean],
// [OpenCircle.PosteriorDensity], [OpenCircle.PosteriorSample]), the lecture's
// sampling recipe ([OpenCircle.RejectionPosterior]), the Bayes risk
// ([OpenCircle.PosteriorMeanMSE]) and the lecture's MLP denoiser
// ([ToyDenoiser], [TrainToy]).
//
// The MNIST half: corruptions as small seeded values ([Erasure],
// [Gaussian] in normalised pixel units, [Block]; [LectureCorruptions] gives
// the lecture's six), the lecture's deep conv autoencoder with a bottleneck
// parameter ([MNISTAutoencoder], [MNISTDenoiser], [MNISTLayerTable]), its
// training ([TrainMNIST]) and evaluation by PSNR, inside the masked pixels too
// ([EvaluateMNIST], cached beside the model by [LoadOrEvaluateMNIST]), and the
// posterior problem on digits: the training digits closest to a corrupted one
// on its visible pixels ([NearestVisible]) and how the network's output
// compares with them and with their mean ([CompareBlur]).
//
// Conventions: points are [2]float64 (or flat float32 [B,2] tensors for the
// network); MSE is the squared error per point summed over the two
// coordinates, so the identity denoiser scores 2 sigma^2.
package dae
