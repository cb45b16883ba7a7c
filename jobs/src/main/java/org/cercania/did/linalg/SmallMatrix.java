package org.cercania.did.linalg;

/**
 * Dense linear algebra for the few-by-few matrices the estimators hold on the driver (k covariates,
 * a handful of pre-treatment cells): LU solve, inverse and a reciprocal condition number.
 */
public final class SmallMatrix {
  private SmallMatrix() {}

  /** The inverse of a square matrix by Gauss-Jordan with partial pivoting; null when singular. */
  public static double[][] inverse(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n + i] = 1.0;
    }
    for (int col = 0; col < n; col++) {
      int piv = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
          piv = r;
        }
      }
      if (m[piv][col] == 0.0 || !Double.isFinite(m[piv][col])) {
        return null;
      }
      double[] tmp = m[col];
      m[col] = m[piv];
      m[piv] = tmp;
      double d = m[col][col];
      for (int j = 0; j < 2 * n; j++) {
        m[col][j] /= d;
      }
      for (int r = 0; r < n; r++) {
        if (r != col && m[r][col] != 0.0) {
          double f = m[r][col];
          for (int j = 0; j < 2 * n; j++) {
            m[r][j] -= f * m[col][j];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], n, inv[i], 0, n);
    }
    return inv;
  }

  /** 1 / (||A||_1 ||A^-1||_1): 0 for a singular matrix (R's rcond estimates the same quantity). */
  public static double rcond(double[][] a) {
    double[][] inv = inverse(a);
    if (inv == null) {
      return 0.0;
    }
    double r = 1.0 / (norm1(a) * norm1(inv));
    return Double.isFinite(r) ? r : 0.0;
  }

  private static double norm1(double[][] a) {
    double best = 0.0;
    for (int j = 0; j < a.length; j++) {
      double s = 0.0;
      for (double[] row : a) {
        s += Math.abs(row[j]);
      }
      best = Math.max(best, s);
    }
    return best;
  }

  public static double[] times(double[][] a, double[] x) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      double s = 0.0;
      for (int j = 0; j < x.length; j++) {
        s += a[i][j] * x[j];
      }
      out[i] = s;
    }
    return out;
  }

  public static double dot(double[] a, double[] b) {
    double s = 0.0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** Row-major k*k block starting at {@code offset} of {@code flat}, as a matrix. */
  public static double[][] block(double[] flat, int offset, int k) {
    double[][] m = new double[k][k];
    for (int i = 0; i < k; i++) {
      System.arraycopy(flat, offset + i * k, m[i], 0, k);
    }
    return m;
  }

  /** a + f b, element by element. */
  public static double[] plus(double[] a, double f, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + f * b[i];
    }
    return out;
  }

  /** a f, element by element. */
  public static double[] scale(double[] a, double f) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] * f;
    }
    return out;
  }
}
