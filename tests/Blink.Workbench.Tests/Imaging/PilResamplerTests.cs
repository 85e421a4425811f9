using Blink.Workbench.Imaging;
using static Blink.Workbench.Tests.Imaging.ImageFixtures;

namespace Blink.Workbench.Tests.Imaging;

/// <summary>
/// Expected bytes come from Pillow 9.4 (<c>Image.fromarray(pattern).resize(size, resample)</c>) on the same 13×9
/// pattern; LLaVA and the HF CLIP processor resize with PIL, so equality here means equal model inputs.
/// </summary>
public class PilResamplerTests
{
    [Theory]
    [InlineData(5, 4, ImageResampling.Bicubic, "65838f71819572837875876b6c88717d7e7d7e7d9296867a827b858081948f88778669847677856a6e78836a8e7e747e886f848695626d706c667580")]
    [InlineData(6, 5, ImageResampling.Bilinear, "517e987c829574867f63767a7a8a7171925e82807a6a7f968986879595656e7b8c7c899c8b8d71946380777b938084888d61767075907e8889897b788c637e637072687e8294617e81707684688b7d9d7a9289515d637d608686")]
    [InlineData(7, 11, ImageResampling.Nearest, "00356a4a7fb494c9fede1348285d9272a7dcbcf1265b90c5b3e81d0b4075467bb09ed308d90e4331669bb6eb201c5186659acfaee318f72c614075aa89bef3b6eb201c5186659acfaee318f72c614075aa89bef311467b689dd2bff429f92e635085ba8abff4e1164b6ca1d6d1063b194e836196cba9de13f1265b396ea3c7fc311d528773a8ddace11602376c3b70a591c6fb22578c86bbf0cd023714497e5b90c5a2d70ce91e5322578c86bbf0cd023714497e5b90c5a2d70ce91e537db2e7d2073c275c915f94c9b4e91e093e734176abd80d423b70a581b6ebc7fc310d42775388bd99ce03")]
    [InlineData(4, 14, ImageResampling.Bicubic, "2764a3a4ad97464d858bcb655b859d797d87637c787b915a9aa28c4a527c8db1636351619172645c93a1a4994e4f71ae6b7082909f918d7c6f7497b34b8ab8bf806a676aa5ada786957f75805f84908b8d8d576bb27455626ea394836e664f8993736b76a1b169555c548fca6c8a9598696c4d6990a0787c7294999b4250588894ac584eb682636e5887919d46464a7b8661767e978a887e514c7a91514b9095c78175606a66a49a")]
    public void Resize_matches_pillow(int width, int height, ImageResampling resampling, string expectedHex)
    {
        var resized = PilResampler.Resize(Pattern(13, 9), width, height, resampling);
        Assert.Equal(width, resized.Width);
        Assert.Equal(height, resized.Height);
        Assert.Equal(Hex(expectedHex), resized.Pixels);
    }

    [Fact]
    public void Bicubic_upscale_matches_pillow()
    {
        const string expected = "002b60073c7023578e3a6eb4518fd16ab2e790caffaeeeb7c6f719f24e2ba7034b002f63054688295ea84377c0599beb75bcbf9bd20bbaee00c9fe201b4d8e2a65a6498ab56ba9838d93859d6ea66d88c764a79b7eb040a3555d823385285a9c387c73589a6173ab7893859c946f8d638f2d73ad338abf4e588dc26ca1e48dc3e1a9ef40d3931ed70f4c3c2f6b00467b1b5085376ca15489c771a6de90c552a3df00abe814d7622fb6074d15336a12558a34699ea1e259c19d75cc558a6a835a5b6b57713a74435ba23678c74991d069bc748ddf52b6ed6fe59748c466334d7d4162585f6d41832d58ab4186d15ea7e79ee31ec38437c81c633d468f1466a8367fb169a6b686abcb939dd0b7bd4dbedc0eade42cde6b5db4258018458b1f6fad4a92bd69a2ad8ca8c8a2a9e1225a603f5e83606db4558ecb5aa6e872bce6aaf565cbae3bda235afd3251be4e522c5f6849689c6579c45698d263aff685cfd6b8fa4ed58748e21d621f52af3b859669b27e927493b26bb1bb8ab68eb85689883aa5265dc333869851a8306fb84ea5917ca77f9d6b9bb973bab796a78abe47936b47a61c5e689de387ca80b3d211c92c2eee034aec2d624a4479145c913e73a8558abf6da2e084b9f19ce35eb3ad0aca0b34f4094ccc2e6326467b1d60953b70a5b2eb71d4b652df5f34752d4f69307486559c527bbf4398dd5aaee07fd47cacb05ccb4e826e65534167406634637c367c7150983b77ba4ba0da64b9edafea2fd0904ccf24784057981f7e9e4c939d7a93bd9297d897a2d396d04cab9815c20d43431c6c0249912872a937839a4d88977786b7989fd6a9b3e8346a714b6a916976c36daaf375d0988ac817bb403adf1556dc2b5f5b50622059703d478c4264b14a87d25ba4e17ed068a7b41aca2a49e11e61e9356a3071c14d98a27dba87a786b1c1856fc58a109d2f369b1757a72c6e46469f1d699741955f72bb7596ad94a26ca17f8f54708c23912448a51d64ad307279aef595d88ebbda19cc2f31ea0046e6265b544e8321699e4479ae5489d170a59197cc04abf30ac2b525d50e3759195b00467b20578c366ba04378adc347838d6a6d5286596a4f6f86498a9368a8668cd15fa8a47cbc4998d960bbb95ad363317976414b72596d3e6e494f913371b34d8ecc66a77e75b541ed0030811a58054990236da63e89bc579ed37ab3fd96caa0ace100c4ff0ee4c036f21559521b7100448820689e4280b46296d078adef92c762a2d700";
        var resized = PilResampler.Resize(Pattern(13, 9), 20, 15, ImageResampling.Bicubic);
        Assert.Equal(Hex(expected), resized.Pixels);
    }

    [Fact]
    public void Same_size_is_an_exact_copy_not_an_alias()
    {
        var source = Pattern(6, 4);
        var copy = PilResampler.Resize(source, 6, 4, ImageResampling.Bicubic);
        Assert.Equal(source.Pixels, copy.Pixels);
        Assert.NotSame(source.Pixels, copy.Pixels);
    }
}
