namespace DeployFixture.Helper;

public static class Scaler
{
    public static float Scale(float value, float factor) => value * factor;
}
