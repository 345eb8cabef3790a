// Package n2n holds the numerically checked foundations of Noise2Noise
// (Lehtinen et al., "Noise2Noise: Learning Image Restoration without Clean
// Data", ICML 2018) as presented in lecture 7.3 of F. Fleuret's Deep
// Learning course: the identity that makes noisy targets work, the link
// between a loss and the statistic it recovers, the paper's noise models,
// classic baselines to beat, the paper's U-Net ([UNet], [UNetTable]) and its
// central experiment, Noise2Clean against Noise2Noise with the same budget
// ([ExperimentConfig], [ExperimentData.RunExperiment]). The applications to
// Monte Carlo rendering and MRI live in the sub-packages render and mri.
//
// # The argument, in the lecture's notation
//
// A denoiser phi is trained on pairs (X~, X) with X~ = X + eps, by
// minimising E||phi(X~) - X||^2, whose minimiser is E[X | X~]. Replace the
// clean target by a second, independent noisy copy X + delta with
// E[delta | X, eps] = 0:
//
//	E||phi(X+eps) - (X+delta)||^2
//	  = E||phi(X+eps) - X||^2 - 2 E<phi(X+eps) - X, delta> + E||delta||^2
//	  = E||phi(X+eps) - X||^2 + E||delta||^2,
//
// since conditioning on (X, eps) the cross term is
// <phi(X+eps) - X, E[delta | X, eps]> = 0. The noisy-target loss is the clean
// one plus a constant: same minimiser, hence clean images are not needed,
// only pairs of independent noisy observations. [IdentityCheck] measures
// both sides by Monte Carlo (and the failure with biased delta, or with
// delta = eps, i.e. one image used as its own target).
//
// More generally a loss picks a statistic of the target's conditional
// distribution: L2 the mean, L1 the median, the paper's annealed "L0"
// (|c - y| + eps)^gamma, gamma 2 -> 0, a mode-seeking point. Noisy targets
// therefore work whenever the noise keeps the clean value as that statistic:
// zero-mean noise (Gaussian, Poisson) for L2, text covering a pixel less than
// half of the time for L1, random-valued impulses (the clean value is the
// mode) for L0. [MinimiseLoss], [AnnealL0] and [LossCurve] show this on 1-D
// samples. One caveat measured here: the annealed L0 converges to
// argmin E log|c - Y|, the mode for symmetric peaks but not for a skewed one
// (see [AnnealL0]).
//
// # Noise models
//
// [Gaussian], [Poisson], [Text] and [Impulse] implement [Noise] on images
// x: [H, W, C] float32 in [0, 1] (row-major HWC, as kit/img), drawing their
// per-image parameter like the paper's training (sigma in [0, 50/255],
// lambda in [1, 50], text coverage in [0, 0.5], impulse probability in
// [0, 0.95]) from a caller-seeded *rand.Rand (math/rand/v2).
//
// # Baselines
//
// [GaussianBlur] and [MedianFilter], with [TuneBaseline] choosing their
// parameter for the best mean PSNR (kit/img) on a training set.
//
// # The network and the experiment
//
// [UNet] builds the paper's table (ENC_CONV0..6 with 48 channels, five max
// pools, nearest upsampling and skip concatenations, DEC_CONV5A..1C with
// 96/64/32/m channels, LeakyReLU 0.1 but for the linear last layer, He
// initialisation) with n input and m output channels, NHWC, sides a multiple
// of 32. [UNetConfig.Width] narrows it for CPU budgets, a deviation stated
// wherever it is used. [ExperimentData.TrainDenoiser] trains it on crops of
// the natural photos with clean or independent noisy targets, cached by
// settings (kit/train).
//
// # From a notebook cell
//
//	r, err := n2n.IdentityCheck(n2n.DefaultIdentityConfig())
//	fmt.Println(r.Noisy, r.RHS, r.Diff) // both sides and their paired difference, 95% CIs
//
//	rng := rand.New(rand.NewPCG(1, 0))
//	noisy := make([]float32, len(clean))
//	cors, err := n2n.ApplyBatch(n2n.BlindText(), noisy, clean, n, h, w, c, rng)
package n2n
