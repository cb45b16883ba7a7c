package org.cercania.did.linalg;

import java.io.Serializable;

/**
 * Inverse of a small symmetric positive semi-definite matrix (a Gram matrix) by Cholesky, dropping
 * the columns that are collinear with earlier ones, as fixest drops collinear variables: a dropped
 * column gets a zero row and column in the inverse.
 */
public final class SymmetricSolver implements Serializable {
  private final int p;
  private final boolean[] dropped;
  private final double[][] inverse;

  private SymmetricSolver(int p, boolean[] dropped, double[][] inverse) {
    this.p = p;
    this.dropped = dropped;
    this.inverse = inverse;
  }

  /** Factors the row-major p x p matrix {@code a}; a column whose pivot falls below tol times its diagonal is dropped. */
  public static SymmetricSolver factor(double[] a, int p, double tol) {
    double[] scale = new double[p];
    for (int j = 0; j < p; j++) {
      scale[j] = a[j * p + j];
    }
    return factor(a, p, tol, scale);
  }

  /**
   * Factors {@code a}, dropping a column whose pivot falls below tol times its {@code scale}. For a
   * Gram matrix formed as a difference (raw cross-products minus the fixed effects' part, as the
   * within-unit sums are), the scale is the raw diagonal: a column the fixed effects absorb leaves
   * only rounding residue on the diagonal, of the raw diagonal's order times the machine epsilon, so
   * it is judged against what it was before the subtraction, not against that residue.
   */
  public static SymmetricSolver factor(double[] a, int p, double tol, double[] scale) {
    double[][] l = new double[p][p];
    boolean[] dropped = new boolean[p];
    for (int j = 0; j < p; j++) {
      double diag = Math.max(scale[j], a[j * p + j]);
      double v = a[j * p + j];
      for (int k = 0; k < j; k++) {
        if (!dropped[k]) {
          v -= l[j][k] * l[j][k];
        }
      }
      if (!(diag > 0) || v <= tol * diag) {
        dropped[j] = true;
        continue;
      }
      l[j][j] = Math.sqrt(v);
      for (int i = j + 1; i < p; i++) {
        double s = a[i * p + j];
        for (int k = 0; k < j; k++) {
          if (!dropped[k]) {
            s -= l[i][k] * l[j][k];
          }
        }
        l[i][j] = s / l[j][j];
      }
    }
    // inverse of L (lower triangular) over kept indices, then A^-1 = L^-T L^-1
    double[][] li = new double[p][p];
    for (int j = 0; j < p; j++) {
      if (dropped[j]) {
        continue;
      }
      li[j][j] = 1 / l[j][j];
      for (int i = j + 1; i < p; i++) {
        if (dropped[i]) {
          continue;
        }
        double s = 0;
        for (int k = j; k < i; k++) {
          if (!dropped[k]) {
            s -= l[i][k] * li[k][j];
          }
        }
        li[i][j] = s / l[i][i];
      }
    }
    double[][] inv = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int k = i; k < p; k++) {
          s += li[k][i] * li[k][j];
        }
        inv[i][j] = s;
        inv[j][i] = s;
      }
    }
    return new SymmetricSolver(p, dropped, inv);
  }

  public double[] solve(double[] b) {
    double[] x = new double[p];
    for (int i = 0; i < p; i++) {
      double s = 0;
      for (int j = 0; j < p; j++) {
        s += inverse[i][j] * b[j];
      }
      x[i] = s;
    }
    return x;
  }

  public double[] inverseRow(int i) {
    return inverse[i].clone();
  }

  public boolean[] dropped() {
    return dropped.clone();
  }

  /** Inverse of a small symmetric positive definite matrix; fails when it is singular. */
  public static double[][] invert(double[][] m) {
    int n = m.length;
    double[] flat = new double[n * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], 0, flat, i * n, n);
    }
    SymmetricSolver s = factor(flat, n, 1e-12);
    for (int j = 0; j < n; j++) {
      if (s.dropped[j]) {
        throw new ArithmeticException("matrix is singular: column " + j + " is collinear with the ones before it");
      }
    }
    return s.inverse;
  }
}
