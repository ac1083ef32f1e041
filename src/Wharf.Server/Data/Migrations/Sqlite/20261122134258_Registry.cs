using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wharf.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Registry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "registry_blobs",
                columns: table => new
                {
                    digest = table.Column<string>(type: "TEXT", maxLength: 135, nullable: false),
                    size = table.Column<long>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_blobs", x => x.digest);
                });

            migrationBuilder.CreateTable(
                name: "registry_repositories",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    project = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_repositories", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "registry_blob_links",
                columns: table => new
                {
                    repository_id = table.Column<long>(type: "INTEGER", nullable: false),
                    digest = table.Column<string>(type: "TEXT", maxLength: 135, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_blob_links", x => new { x.repository_id, x.digest });
                    table.ForeignKey(
                        name: "fk_registry_blob_links_registry_repositories_repository_id",
                        column: x => x.repository_id,
                        principalTable: "registry_repositories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "registry_manifests",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    repository_id = table.Column<long>(type: "INTEGER", nullable: false),
                    digest = table.Column<string>(type: "TEXT", maxLength: 135, nullable: false),
                    media_type = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    artifact_type = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    subject_digest = table.Column<string>(type: "TEXT", maxLength: 135, nullable: true),
                    annotations_json = table.Column<string>(type: "TEXT", nullable: true),
                    size = table.Column<long>(type: "INTEGER", nullable: false),
                    content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_manifests", x => x.id);
                    table.ForeignKey(
                        name: "fk_registry_manifests_registry_repositories_repository_id",
                        column: x => x.repository_id,
                        principalTable: "registry_repositories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "registry_uploads",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    repository_id = table.Column<long>(type: "INTEGER", nullable: false),
                    started_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_uploads", x => x.id);
                    table.ForeignKey(
                        name: "fk_registry_uploads_registry_repositories_repository_id",
                        column: x => x.repository_id,
                        principalTable: "registry_repositories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "registry_manifest_references",
                columns: table => new
                {
                    manifest_id = table.Column<long>(type: "INTEGER", nullable: false),
                    digest = table.Column<string>(type: "TEXT", maxLength: 135, nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_manifest_references", x => new { x.manifest_id, x.kind, x.digest });
                    table.ForeignKey(
                        name: "fk_registry_manifest_references_registry_manifests_manifest_id",
                        column: x => x.manifest_id,
                        principalTable: "registry_manifests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "registry_tags",
                columns: table => new
                {
                    repository_id = table.Column<long>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    manifest_id = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_tags", x => new { x.repository_id, x.name });
                    table.ForeignKey(
                        name: "fk_registry_tags_registry_manifests_manifest_id",
                        column: x => x.manifest_id,
                        principalTable: "registry_manifests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_registry_tags_registry_repositories_repository_id",
                        column: x => x.repository_id,
                        principalTable: "registry_repositories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_registry_blob_links_digest",
                table: "registry_blob_links",
                column: "digest");

            migrationBuilder.CreateIndex(
                name: "ix_registry_manifest_references_digest",
                table: "registry_manifest_references",
                column: "digest");

            migrationBuilder.CreateIndex(
                name: "ix_registry_manifests_repository_id_digest",
                table: "registry_manifests",
                columns: new[] { "repository_id", "digest" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_registry_manifests_repository_id_subject_digest",
                table: "registry_manifests",
                columns: new[] { "repository_id", "subject_digest" });

            migrationBuilder.CreateIndex(
                name: "ix_registry_repositories_name",
                table: "registry_repositories",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_registry_repositories_project",
                table: "registry_repositories",
                column: "project");

            migrationBuilder.CreateIndex(
                name: "ix_registry_tags_manifest_id",
                table: "registry_tags",
                column: "manifest_id");

            migrationBuilder.CreateIndex(
                name: "ix_registry_uploads_repository_id",
                table: "registry_uploads",
                column: "repository_id");

            migrationBuilder.CreateIndex(
                name: "ix_registry_uploads_updated_at",
                table: "registry_uploads",
                column: "updated_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "registry_blob_links");

            migrationBuilder.DropTable(
                name: "registry_blobs");

            migrationBuilder.DropTable(
                name: "registry_manifest_references");

            migrationBuilder.DropTable(
                name: "registry_tags");

            migrationBuilder.DropTable(
                name: "registry_uploads");

            migrationBuilder.DropTable(
                name: "registry_manifests");

            migrationBuilder.DropTable(
                name: "registry_repositories");
        }
    }
}
