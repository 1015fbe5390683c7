package rrcm.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import rrcm.backend.Backends;
import rrcm.io.ConfigLoader;
import rrcm.model.VisionTransformer;
import rrcm.model.VitConfig;
import rrcm.nn.Init;

/** Every configuration in configs/ reads without error, and the published sizes come out. */
class ConfigsTest {
    static Stream<Path> configs() throws IOException {
        return Files.list(Path.of("configs")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("configs")
    void readsCleanly(Path file) {
        TrainConfig.from(ConfigLoader.load(file, List.of()));
    }

    @Test
    void publishedEncoderSizes() {
        // docs/method.md 2.2: rRCM-B 85.1 M (CIFAR-10) and 85.8 M (ImageNet), rRCM-S 19.4 M parameters
        assertEquals(85.1e6, new VitConfig(32, 3, 4, 768, 12, 12, 4).parameterCount(), 0.05e6);
        assertEquals(85.8e6, new VitConfig(224, 3, 16, 768, 12, 12, 4).parameterCount(), 0.05e6);
        assertEquals(19.4e6, new VitConfig(224, 3, 16, 512, 6, 8, 4).parameterCount(), 0.05e6);
        TrainConfig cifar = TrainConfig.from(ConfigLoader.load(Path.of("configs/cifar10-rrcm-b.yaml"), List.of()));
        assertEquals(66, cifar.model().vit(32, 3).tokens());
    }

    @Test
    void countingMatchesABuiltEncoder() {
        VitConfig small = new VitConfig(28, 1, 4, 64, 2, 4, 4);
        assertEquals(new VisionTransformer(Backends.cpu(), new Init(0), small).parameterCount(), small.parameterCount());
    }
}
