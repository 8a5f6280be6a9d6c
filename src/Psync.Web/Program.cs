var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }));

app.Run();
