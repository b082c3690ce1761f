using AkkaMedia.Executor.Loading;

namespace AkkaMedia.Executor.Tests.Loading;

public sealed class SessionLoadContextSpec
{
    [Theory]
    [InlineData("onnxruntime")]
    [InlineData("libonnxruntime")]
    [InlineData("libonnxruntime.so")]
    [InlineData("onnxruntime.so")]
    public void A_DllImport_name_must_find_the_shipped_native_library_as_the_runtime_would_probe(string name)
    {
        var context = new SessionLoadContext("native-" + Guid.NewGuid().ToString("N"), new Dictionary<string, string>(), new Dictionary<string, string>
        {
            ["libonnxruntime.so"] = "/store/4213/libonnxruntime.so",
            ["libonnxruntime_providers_shared.so"] = "/store/8ef5/libonnxruntime_providers_shared.so",
        });
        try
        {
            Assert.Equal("/store/4213/libonnxruntime.so", context.NativeLibraryPath(name));
        }
        finally
        {
            context.Unload();
        }
    }

    [Theory]
    [InlineData("libc")]
    [InlineData("onnx")]
    [InlineData("/usr/lib/x86_64-linux-gnu/libonnxruntime.so")]
    [InlineData("native/libonnxruntime.so")]
    public void A_name_the_package_does_not_ship_or_a_path_must_fall_through_to_the_runtime_s_own_probing(string name)
    {
        var context = new SessionLoadContext("native-" + Guid.NewGuid().ToString("N"), new Dictionary<string, string>(), new Dictionary<string, string>
        {
            ["libonnxruntime.so"] = "/store/4213/libonnxruntime.so",
        });
        try
        {
            Assert.Null(context.NativeLibraryPath(name));
        }
        finally
        {
            context.Unload();
        }
    }
}
