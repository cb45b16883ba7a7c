package org.cercania.geo;

/**
 * Vincenty's (1975) inverse formula on WGS84, written out here as an independent reference for
 * the code's GeographicLib distances (accurate to well under a millimetre away from antipodes).
 */
public final class Vincenty {
  private static final double A = 6378137.0;
  private static final double F = 1 / 298.257223563;
  private static final double B = A * (1 - F);

  private Vincenty() {}

  /** Distance in metres; arguments in degrees, latitude first (as Vincenty wrote it). */
  public static double inverse(double lat1, double lon1, double lat2, double lon2) {
    double l = Math.toRadians(lon2 - lon1);
    double u1 = Math.atan((1 - F) * Math.tan(Math.toRadians(lat1)));
    double u2 = Math.atan((1 - F) * Math.tan(Math.toRadians(lat2)));
    double sinU1 = Math.sin(u1), cosU1 = Math.cos(u1), sinU2 = Math.sin(u2), cosU2 = Math.cos(u2);
    double lambda = l;
    double sinSigma, cosSigma, sigma, cosSqAlpha, cos2SigmaM;
    int iter = 0;
    while (true) {
      double sinLambda = Math.sin(lambda), cosLambda = Math.cos(lambda);
      double t1 = cosU2 * sinLambda;
      double t2 = cosU1 * sinU2 - sinU1 * cosU2 * cosLambda;
      sinSigma = Math.sqrt(t1 * t1 + t2 * t2);
      if (sinSigma == 0) {
        return 0; // coincident points
      }
      cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
      sigma = Math.atan2(sinSigma, cosSigma);
      double sinAlpha = cosU1 * cosU2 * sinLambda / sinSigma;
      cosSqAlpha = 1 - sinAlpha * sinAlpha;
      cos2SigmaM = cosSqAlpha == 0 ? 0 : cosSigma - 2 * sinU1 * sinU2 / cosSqAlpha;
      double c = F / 16 * cosSqAlpha * (4 + F * (4 - 3 * cosSqAlpha));
      double prev = lambda;
      lambda = l + (1 - c) * F * sinAlpha
          * (sigma + c * sinSigma * (cos2SigmaM + c * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
      if (Math.abs(lambda - prev) < 1e-13) {
        break;
      }
      if (++iter > 1000) {
        throw new IllegalStateException("Vincenty did not converge");
      }
    }
    double uSq = cosSqAlpha * (A * A - B * B) / (B * B);
    double bigA = 1 + uSq / 16384 * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
    double bigB = uSq / 1024 * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
    double deltaSigma = bigB * sinSigma * (cos2SigmaM + bigB / 4 * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)
        - bigB / 6 * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
    return B * bigA * (sigma - deltaSigma);
  }
}
