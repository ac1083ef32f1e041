using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Wharf.Server.Auth;

namespace Wharf.Server.Images;

internal sealed class ModelImageSettingConfiguration : IEntityTypeConfiguration<ModelImageSetting>
{
    public void Configure(EntityTypeBuilder<ModelImageSetting> builder)
    {
        builder.ToTable("model_image_settings");
        builder.HasKey(s => s.ProjectId);
        builder.Property(s => s.BaseImage).HasMaxLength(ModelImageSetting.MaxReferenceLength);
        builder.Property(s => s.RuntimeImage).HasMaxLength(ModelImageSetting.MaxReferenceLength);
        builder.HasOne<Project>().WithOne().HasForeignKey<ModelImageSetting>(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
