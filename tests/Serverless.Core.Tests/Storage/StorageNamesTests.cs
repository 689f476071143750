using Serverless.Core.Storage;

namespace Serverless.Core.Tests.Storage;

public sealed class StorageNamesTests
{
    [Theory]
    [InlineData("abc", true)]
    [InlineData("monitoring0123456789", true)]
    [InlineData("ab", false)]
    [InlineData("1abc", false)]
    [InlineData("bad-table", false)]
    [InlineData("tablé", false)]
    [InlineData("abc\n", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsTableName_Name_AcceptsOnlyThreeTo63LettersAndDigitsStartingWithALetter(string? name, bool expected) =>
        Assert.Equal(expected, StorageNames.IsTableName(name));

    [Fact]
    public void IsTableName_Length_63AcceptedAnd64Refused()
    {
        Assert.True(StorageNames.IsTableName("a" + new string('b', 62)));
        Assert.False(StorageNames.IsTableName("a" + new string('b', 63)));
    }
}
