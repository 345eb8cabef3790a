// Package infotheory checks, in closed form, the information-theoretic
// argument of lecture 7.3 (F. Fleuret) and of Vincent et al., "Stacked
// Denoising Autoencoders" (JMLR 2010, section 3.2): training an autoencoder
// to reconstruct its input maximises a lower bound on the mutual information
// between the input X and the code Z.
//
// # The argument
//
// Let X be the input, Z = f(X) the (possibly noisy) code, q(X|Z) the true
// posterior and p(X|Z) any decoder. Then
//
//	I(X;Z) = H(X) - H(X|Z) = H(X) + E[log q(X|Z)],
//
// and H(X) does not depend on the encoder, so maximising I(X;Z) over encoders
// is maximising E[log q(X|Z)]. For any decoder p,
//
//	E[log q(X|Z)] - E[log p(X|Z)] = E_Z[ KL(q(.|Z) || p(.|Z)) ] >= 0,
//
// so H(X) + E[log p(X|Z)] <= I(X;Z): the log-likelihood of any decoder is a
// lower bound, tight when p = q. With a Gaussian decoder of fixed variance,
// p(X|Z) = N(g(Z), sigma^2 I) in R^d,
//
//	E[log p(X|Z)] = -E||X - g(Z)||^2 / (2 sigma^2) - (d/2) log(2 pi sigma^2),
//
// and minimising the reconstruction error E||X - g(Z)||^2 maximises that
// lower bound on I(X;Z).
//
// # What is computed
//
// Everything is done on jointly Gaussian models, where each quantity has a
// closed form (natural logarithms: nats):
//
//   - Channel: X ~ N(mu, Sigma_x) in R^d, Z = A X + N, N ~ N(0, Sigma_n) in
//     R^k (a linear encoder with Gaussian noise). I(X;Z) =
//     1/2 log det(A Sigma_x A^T + Sigma_n) - 1/2 log det Sigma_n; H(X); the
//     exact posterior q(X|Z) = N(B* Z + b*, P) and H(X|Z) = -E[log q(X|Z)].
//   - Decoder: a linear-Gaussian p(X|Z) = N(B Z + b, sigma^2 I) or
//     N(B Z + b, S). Channel.Bound gives H(X) + E[log p(X|Z)] from the
//     expected squared error of the linear map under the joint Gaussian, and
//     Channel.Gap gives E_Z KL(q||p) from the Gaussian KL; the tests check
//     Gap = I - Bound.
//   - Channel.OptimalDecoder: B*, b* (the posterior mean map) with
//     sigma*^2 = trace(P)/d (isotropic; the gap left is the isotropic-versus-
//     full difference) or S = P (full; the gap is 0).
//   - Channel.DecoderPath: decoders interpolated from a bad one to the
//     optimal one; the bound rises monotonically as the squared error falls.
//   - Channel.MonteCarlo: seeded sample estimates, with standard errors, of
//     every quantity above.
//
// # Retaining information is not enough
//
// The identity encoder Z = X (+ vanishing noise) maximises I(X;Z), which
// grows without bound as the noise shrinks (IdentityMI): a criterion that
// only asks the code to retain information is satisfied by copying the
// input. The denoising criterion instead corrupts the input, X~ = X + eps
// with eps ~ N(0, s^2 I), and asks for X back. For linear encoders and
// decoders with a code of dimension k, OptimalLinearDAE gives the solution in
// closed form: the code spans the k leading principal directions of Sigma_x
// and the decoder shrinks direction i by lambda_i / (lambda_i + s^2), a
// shrunk PCA (a Wiener filter restricted to the top-k subspace). Its error
// sum_{i<=k} lambda_i s^2/(lambda_i + s^2) + sum_{i>k} lambda_i is compared
// with plain PCA applied to the noisy input.
//
// Matrices are gonum's mat types; shapes are stated as [rows, cols].
package infotheory
