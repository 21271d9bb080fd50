package io.stowage.service.transcode;

import io.stowage.transcode.jobs.testing.JobsFixture;
import io.stowage.service.JwtSettings;
import io.stowage.service.JwtTokens;
import io.stowage.service.OAuthProvider;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.TestRedis;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page end to end in headless Chromium (Debian's chromium and chromium-driver, driven by Selenium): sign in
 * through a real local OAuth2 server, upload a generated 3 s clip, see COMPLETED, download it, check it with ffprobe.
 * Saves target/browser-transcode-finished.png.
 */
class BrowserTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @TempDir
    static Path tmp;
    static final String PREFIX = TestRedis.prefix(BrowserTest.class);
    static MockOAuth2Server oauth;
    static TranscodeServer server;
    static ChromeDriver driver;

    @BeforeAll
    static void start() {
        assertThat(Path.of("/usr/bin/chromedriver")).as("Debian package chromium-driver: "
                + "apt-get install -y chromium chromium-driver (.ci/run installs it)").isExecutable();
        oauth = new MockOAuth2Server();
        oauth.start();
        OAuthProvider google = OAuthProvider.google("stowage-browser", "secret").withEndpoints(
                URI.create(oauth.authorizationEndpointUrl("google").toString()),
                URI.create(oauth.tokenEndpointUrl("google").toString()),
                URI.create(oauth.userInfoUrl("google").toString()));
        String bucket = S3.newBucket("browser");
        server = TranscodeServer.builder(JobsFixture.config(PREFIX, bucket)).s3(S3.client())
                .tokens(JwtTokens.fromKeyFile(tmp.resolve("jwt.json"), JwtSettings.defaults()))
                .providers(List.of(google)).transcoder(JobsFixture.transcoder()).workers(1).port(0).start();
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1200,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
    }

    @AfterAll
    static void stop() {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            oauth.shutdown();
            JobsFixture.dropKeys(PREFIX);
        }
    }

    @Test
    void signInUploadSeeCompletedDownloadAndProbe() throws Exception {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        oauth.enqueueCallback(new DefaultOAuth2TokenCallback("google", "browser-user"));
        driver.get(server.url());
        wait.until(ExpectedConditions.elementToBeClickable(By.id("provider-google"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        assertThat(driver.findElement(By.id("user")).getText()).isEqualTo("google-browser-user");

        Path clip = JobsFixture.clip(3.0);
        driver.findElement(By.id("file")).sendKeys(clip.toAbsolutePath().toString());
        wait.until(d -> new Select(d.findElement(By.id("preset"))).getOptions().size() > 1);
        new Select(driver.findElement(By.id("preset"))).selectByValue("web-mp4");
        driver.findElement(By.id("email")).sendKeys("browser-user@example.com");
        driver.findElement(By.id("upload")).click();

        new WebDriverWait(driver, Duration.ofSeconds(120)).until(d -> {
            String s = d.findElement(By.id("current-state")).getText();
            assertThat(s).isNotIn("FAILED", "CANCELLED");
            return s.equals("COMPLETED");
        });
        WebElement link = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#history tr[data-state=COMPLETED] a.download")));
        Path shot = Path.of("target", "browser-transcode-finished.png");
        Files.createDirectories(shot.getParent());
        Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), shot,
                StandardCopyOption.REPLACE_EXISTING);

        // the download link with the browser's own session cookie: 302 to the presigned URL, then the bytes
        Cookie session = driver.manage().getCookieNamed("stowage_session");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        HttpResponse<String> r = Fixture.HTTP.send(HttpRequest.newBuilder(URI.create(link.getAttribute("href")))
                .header("Cookie", "stowage_session=" + session.getValue()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        Path out = tmp.resolve("downloaded.mp4");
        HttpResponse<Path> f = Fixture.HTTP.send(HttpRequest.newBuilder(URI.create(
                r.headers().firstValue("location").orElseThrow())).build(), HttpResponse.BodyHandlers.ofFile(out));
        assertThat(f.statusCode()).isEqualTo(200);
        assertThat(JobsFixture.ffprobe(out).duration()).isCloseTo(JobsFixture.ffprobe(clip).duration(),
                org.assertj.core.data.Offset.offset(0.5));
    }
}
